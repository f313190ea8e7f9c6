"""The Slack adapter: slack-bolt's async app, in the same event loop as the other platforms."""

from bot.platforms.slack.adapter import SlackPlatform

__all__ = ["SlackPlatform"]
