"""Invite links on Discord: creating a permanent one, reading every link's use count, and the invite events.

Discord does not say which link a member joined through; it only counts each link's uses. So after joins the
adapter reads the counts (`GET /guilds/{id}/invites`, which needs the Manage Server permission) and hands them
to the core as an `InvitesSeen` event naming the joins they follow; deciding which join used which link is the
core's business (`handlers/traffic/attribution.py`). Readings are coalesced per guild: joins that arrive while
a reading is in flight are all covered by that reading, and one more reading follows for later joins, so a
burst of joins costs a few requests, not one each. Without the permission the reading is None (source unknown)
and a warning says what to grant, once per guild.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import discord

from bot.actions import ActionResult, CreateInvite
from bot.events import InviteCreated, InviteDeleted, InvitesSeen, PlatformName

log = logging.getLogger(__name__)

Fetch = Callable[[str], Awaitable[dict[str, int] | None]]
Deliver = Callable[[InvitesSeen], None]


def invite_created(data: dict[str, Any], now: datetime) -> InviteCreated | None:
    """INVITE_CREATE -> InviteCreated (None outside a guild)."""
    if "guild_id" not in data:
        return None
    return InviteCreated(platform=PlatformName.DISCORD, space_id=str(data["guild_id"]),
                         event_id=f"invite-create:{data['guild_id']}:{data['code']}", at=now,
                         code=str(data["code"]), uses=int(data.get("uses") or 0))


def invite_deleted(data: dict[str, Any], now: datetime) -> InviteDeleted | None:
    if "guild_id" not in data:
        return None
    return InviteDeleted(platform=PlatformName.DISCORD, space_id=str(data["guild_id"]),
                         event_id=f"invite-delete:{data['guild_id']}:{data['code']}:{now.timestamp()}", at=now,
                         code=str(data["code"]))


async def read_uses(client: discord.Client, guild_id: str, warned: set[str]) -> dict[str, int] | None:
    """Every invite code of the guild with its use count; None when Discord refuses (missing Manage Server)."""
    guild = client.get_guild(int(guild_id))
    if guild is None:
        return None
    try:
        invites = await guild.invites()
    except discord.Forbidden:
        if guild_id not in warned:
            warned.add(guild_id)
            log.warning("Discord: the bot lacks the Manage Server permission in guild %s, so joins cannot be "
                        "attributed to invite links (their source is counted as unknown). Grant it to track "
                        "campaign invites.", guild_id)
        return None
    except (TimeoutError, discord.HTTPException, OSError) as error:
        log.warning("Discord: cannot read the invites of guild %s (%s): these joins stay unattributed",
                    guild_id, error)
        return None
    warned.discard(guild_id)
    return {invite.code: int(invite.uses or 0) for invite in invites}


class InviteWatch:
    """Coalesced readings of invite use counts, one guild at a time."""

    def __init__(self, fetch: Fetch, deliver: Deliver, spawn: Callable[[Coroutine[Any, Any, None]], None]) -> None:
        self._fetch = fetch
        self._deliver = deliver
        self._spawn = spawn
        self._pending: dict[str, list[tuple[str, int]]] = {}
        self._wanted: set[str] = set()
        self._running: set[str] = set()
        self._readings: dict[str, int] = {}

    def joined(self, guild_id: str, member_id: str, at: int) -> None:
        self._pending.setdefault(guild_id, []).append((member_id, at))
        self.refresh(guild_id)

    def refresh(self, guild_id: str) -> None:
        """Ask for a reading (at connection, or after joins); one runs at a time per guild."""
        self._wanted.add(guild_id)
        if guild_id not in self._running:
            self._running.add(guild_id)
            self._spawn(self._run(guild_id))

    async def _run(self, guild_id: str) -> None:
        try:
            while guild_id in self._wanted:
                self._wanted.discard(guild_id)
                uses = await self._fetch(guild_id)
                joined, self._pending[guild_id] = tuple(self._pending.get(guild_id, ())), []
                self._readings[guild_id] = self._readings.get(guild_id, 0) + 1
                self._deliver(InvitesSeen(
                    platform=PlatformName.DISCORD, space_id=guild_id,
                    event_id=f"invites:{guild_id}:{uuid.uuid4().hex}",
                    at=datetime.now(UTC), uses=uses, joined=joined, refresh=self._readings[guild_id],
                ))
        finally:
            self._running.discard(guild_id)


async def create_invite(client: discord.Client, action: CreateInvite) -> ActionResult:
    """A new permanent invite (never expires, unlimited uses) to `action.channel_id`; its code as `ref`."""
    channel = client.get_channel(int(action.channel_id)) or await client.fetch_channel(int(action.channel_id))
    if not isinstance(channel, discord.abc.GuildChannel):
        return ActionResult.failed("invites are created in a server channel", permanent=True)
    invite = await channel.create_invite(max_age=0, max_uses=0, unique=True, reason=action.reason or None)
    return ActionResult.done(channel_id=action.channel_id, ref=invite.code)


async def create_invite_over_rest(token: str, channel_id: str, reason: str, api_base: str | None = None) -> str:
    """Outside a run (the CLI): log in over REST only, create the permanent invite, return its code."""
    from bot.platforms.discord import private_http

    private_http.point_at(api_base)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token)
        channel = await client.fetch_channel(int(channel_id))
        if not isinstance(channel, discord.abc.GuildChannel):
            raise ValueError(f"channel {channel_id} is not a server channel")
        invite = await channel.create_invite(max_age=0, max_uses=0, unique=True, reason=reason or None)
        return invite.code
    finally:
        await client.close()
