"""The Discord platform adapter (discord.py 2.x): gateway payloads in, REST calls out.

The names below load the adapter, and so discord.py, on first use: `cmbot discord invite-url` or a console run
never pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordPlatform, GatewayTimings, point_at

__all__ = ["DiscordPlatform", "GatewayTimings", "point_at"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from bot.platforms.discord import adapter

        return getattr(adapter, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
