"""The Discord platform adapter (discord.py 2.x): gateway payloads in, REST calls out."""

from bot.platforms.discord.adapter import DiscordPlatform, GatewayTimings, point_at

__all__ = ["DiscordPlatform", "GatewayTimings", "point_at"]
