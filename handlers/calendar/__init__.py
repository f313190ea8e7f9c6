"""The calendar feature."""

from bot.feature import Feature

feature = Feature(name="calendar")
