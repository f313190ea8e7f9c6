"""The local Discord fake, with invite links: their use counts, their creation, and members joining by them.

    fake = FakeDiscordWithInvites(guild_ids=("100",))
    fake.add_invite("handmade", uses=5)           # a link made by hand in Discord
    fake.manage_guild = False                      # GET /guilds/{id}/invites answers 403 Missing Permissions
    fake.hold_invite_reads()                       # reads of the counts wait ... until fake.release_invite_reads()
    await fake.join_by([("abc", "42"), ("def", "43")])   # counts go up first, then the GUILD_MEMBER_ADDs, back to back

Creating an invite (`POST /channels/{id}/invites`) answers Discord's invite object and dispatches INVITE_CREATE,
as Discord does to a bot with the guild invites intent.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.fakes.discord_fake import FakeDiscord, _json, member, user

MISSING_PERMISSIONS = {"message": "Missing Permissions", "code": 50013}


class FakeDiscordWithInvites(FakeDiscord):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invites: dict[str, dict[str, Any]] = {}
        self.manage_guild = True
        self._gate: asyncio.Event | None = None
        self._codes = itertools.count(1)

    # -- test controls ----------------------------------------------------------------------------------------
    def add_invite(self, code: str, uses: int = 0, channel_id: str = "700", guild_id: str | None = None) -> None:
        self.invites[code] = {"code": code, "uses": uses, "channel_id": channel_id,
                              "guild_id": guild_id or self.guild_ids[0], "created_at": datetime.now(UTC).isoformat()}

    def hold_invite_reads(self) -> None:
        self._gate = asyncio.Event()

    def release_invite_reads(self) -> None:
        if self._gate is not None:
            self._gate.set()
            self._gate = None

    async def join_by(self, joins: list[tuple[str | None, str]]) -> None:
        """Members join at once: every use is counted, then every GUILD_MEMBER_ADD is sent (None: no invite)."""
        for code, _ in joins:
            if code is not None:
                self.invites[code]["uses"] += 1
        for code, user_id in joins:
            guild = self.invites[code]["guild_id"] if code else self.guild_ids[0]
            await self.dispatch("GUILD_MEMBER_ADD", member(user_id, f"user{user_id}") | {"guild_id": guild})

    # -- REST ------------------------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        if request.method == "GET" and re.fullmatch(r"/guilds/\d+/invites", path) and self._gate is not None:
            await self._gate.wait()
        return await super()._rest(request)

    def _answer(self, method: str, path: str, body: Any, query: dict[str, str]) -> web.Response:
        listing = re.fullmatch(r"/guilds/(\d+)/invites", path)
        if method == "GET" and listing:
            if not self.manage_guild:
                return _json(MISSING_PERMISSIONS, 403)
            return _json([self._invite(i) for i in self.invites.values() if i["guild_id"] == listing.group(1)])
        creating = re.fullmatch(r"/channels/(\d+)/invites", path)
        if method == "POST" and creating:
            channel = self._channel(creating.group(1))
            if isinstance(channel, web.Response):
                return channel
            code = f"cmb{next(self._codes):04d}"
            self.add_invite(code, 0, channel["id"], channel["guild_id"])
            created = self.invites[code]
            asyncio.get_running_loop().create_task(self.dispatch("INVITE_CREATE", {
                "channel_id": created["channel_id"], "guild_id": created["guild_id"], "code": code,
                "created_at": created["created_at"], "inviter": user(self.bot_id, "cmbot", bot=True),
                "max_age": 0, "max_uses": 0, "temporary": False, "uses": 0, "type": 0}))
            return _json(self._invite(created))
        return super()._answer(method, path, body, query)

    def _invite(self, invite: dict[str, Any]) -> dict[str, Any]:
        guild_id = invite["guild_id"]
        return {"type": 0, "code": invite["code"], "uses": invite["uses"], "max_uses": 0, "max_age": 0,
                "temporary": False, "created_at": invite["created_at"],
                "inviter": user(self.bot_id, "cmbot", bot=True),
                "guild": {"id": guild_id, "name": f"guild {guild_id}", "splash": None, "banner": None,
                          "description": None, "icon": None, "features": [], "verification_level": 0,
                          "vanity_url_code": None, "nsfw_level": 0, "premium_subscription_count": 0},
                "channel": {"id": invite["channel_id"], "name": "general", "type": 0}}
