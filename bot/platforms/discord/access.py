"""Whether a Discord channel exists and the bot may post there: asked when a post is drafted, not when it is due.

The channel comes from discord.py's cache (every channel of the guilds the bot is in, kept current by the
gateway) or, for what the cache does not hold (archived threads, channels of other servers), from the REST API.
The bot's rights are computed as Discord does, from its roles and the channel's overrides
(`permissions_for`), so a channel hidden from the bot by an override is refused before the post is due.
"""

from __future__ import annotations

import logging

import aiohttp
import discord

log = logging.getLogger(__name__)

OK, MISSING, FORBIDDEN = "ok", "missing", "forbidden"
SNOWFLAKE_LIMIT = 1 << 64


async def channel_access(client: discord.Client, channel_id: str) -> str | None:
    """"ok", "missing", "forbidden", or None when Discord could not be asked (not logged in, server error)."""
    if not (channel_id.isascii() and channel_id.isdigit()) or int(channel_id) >= SNOWFLAKE_LIMIT:
        return MISSING  # a name or a mention is not a channel id: Discord would answer 404 to a post
    if client.user is None:
        return None
    channel = client.get_channel(int(channel_id))
    if channel is None:
        try:
            channel = await client.fetch_channel(int(channel_id))
        except discord.NotFound:
            return MISSING
        except discord.Forbidden:
            return FORBIDDEN  # Discord answers 403 for a channel of a server the bot is not in
        except (discord.HTTPException, discord.InvalidData, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Discord: cannot check channel %s (%s)", channel_id, type(error).__name__)
            return None
    return access_in(channel)


def access_in(channel: object) -> str | None:
    """What the bot may do in a channel it can see: post (view + send, or send in threads for a thread)."""
    if isinstance(channel, discord.abc.PrivateChannel):
        return OK
    if not isinstance(channel, discord.abc.Messageable):
        return FORBIDDEN  # a category or a forum holds no messages of its own
    guild = getattr(channel, "guild", None)
    me = guild.me if isinstance(guild, discord.Guild) else None
    if me is None:
        return None  # the bot's own member is always cached for a server it is in: anything else is unknown
    try:
        rights = channel.permissions_for(me)  # type: ignore[attr-defined]
    except discord.ClientException:
        return None  # a thread whose parent channel is not cached: its rights cannot be computed
    sending = rights.send_messages_in_threads if isinstance(channel, discord.Thread) else rights.send_messages
    return OK if rights.view_channel and sending else FORBIDDEN
