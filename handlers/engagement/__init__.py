"""The engagement feature."""

from bot.feature import Feature

feature = Feature(name="engagement")
