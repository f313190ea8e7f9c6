"""The console platform: run the whole bot in a terminal, with no credentials."""

from bot.platforms.console.platform import ConsolePlatform

__all__ = ["ConsolePlatform"]
