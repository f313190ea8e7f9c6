"""Who a Slack user is, for the core: display name, bot flag, and the user groups that carry our roles.

`Member.roles` on Slack holds the ids of the user groups the member belongs to; the configured role model lists
user ids or user-group ids, and `bot.roles.roles_of` matches both. Lookups are cached for a while so a busy
channel costs one `users.info` per member and one `usergroups.list` per TTL, not one per message. A failed
lookup degrades (the id as name, no groups) and is logged: it never stops an event.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.events import Member
from bot.platforms.slack.calls import error_code

log = logging.getLogger(__name__)
DEFAULT_TTL = 300.0


class SlackMembers:
    def __init__(self, client: AsyncWebClient, ttl: float = DEFAULT_TTL,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.monotonic = monotonic
        self._users: dict[str, tuple[float, str, bool]] = {}
        self._groups: tuple[float, dict[str, frozenset[str]]] | None = None
        self._groups_unavailable_logged = False

    def forget(self, user_id: str) -> None:
        """Drop what we know of a user (a profile or a membership changed)."""
        self._users.pop(user_id, None)
        self._groups = None

    async def member(self, user_id: str, fallback_name: str = "") -> Member:
        name, is_bot = await self._user(user_id, fallback_name)
        groups = await self._groups_of(user_id)
        return Member(id=user_id, display_name=name, roles=groups, is_bot=is_bot)

    async def _user(self, user_id: str, fallback_name: str) -> tuple[str, bool]:
        cached = self._users.get(user_id)
        if cached is not None and self.monotonic() - cached[0] < self.ttl:
            return cached[1], cached[2]
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", user_id, error_code(error))
            return fallback_name or user_id, False
        except (TimeoutError, aiohttp.ClientError, SlackRequestError, OSError) as error:
            log.warning("users.info failed for %s: %s", user_id, type(error).__name__)
            return fallback_name or user_id, False
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
        entry = (self.monotonic(), name or fallback_name or user_id, bool(user.get("is_bot")))
        self._users[user_id] = entry
        return entry[1], entry[2]

    async def _groups_of(self, user_id: str) -> frozenset[str]:
        if self._groups is None or self.monotonic() - self._groups[0] >= self.ttl:
            self._groups = (self.monotonic(), await self._load_groups())
        return self._groups[1].get(user_id, frozenset())

    async def _load_groups(self) -> dict[str, frozenset[str]]:
        try:
            response = await self.client.usergroups_list(include_users=True)
        except (SlackApiError, TimeoutError, aiohttp.ClientError, SlackRequestError, OSError) as error:
            reason = error_code(error) if isinstance(error, SlackApiError) else type(error).__name__
            if not self._groups_unavailable_logged:
                log.warning("usergroups.list failed (%s): roles match configured user ids only", reason)
                self._groups_unavailable_logged = True
            return {}
        by_user: dict[str, set[str]] = {}
        for group in response.get("usergroups") or ():
            for member_id in group.get("users") or ():
                by_user.setdefault(member_id, set()).add(group["id"])
        return {user: frozenset(groups) for user, groups in by_user.items()}
