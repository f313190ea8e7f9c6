"""The privacy feature."""

from bot.feature import Feature

feature = Feature(name="privacy")
