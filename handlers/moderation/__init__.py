"""The moderation feature."""

from bot.feature import Feature

feature = Feature(name="moderation")
