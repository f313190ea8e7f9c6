"""The welcome feature."""

from bot.feature import Feature

feature = Feature(name="welcome")
