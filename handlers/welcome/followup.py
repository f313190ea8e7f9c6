"""The CM's "active accompaniment", as the community lives it: a newcomer's first message closes their follow-up.

A follow-up row is opened when a member joins (if the community turned follow-ups on and the member has not
opted out); the member's first message closes it (only a date is written, never the content). The nudge to
those still silent N days after joining is clock work: `schedules.welcome.nudges`. The row is keyed by member,
not by join: leaving and coming back does not earn a second nudge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.actions import Action
from bot.events import MessagePosted
from bot.store import Store
from config.settings import Community

Key = tuple[str, str, str]  # community, platform, member id


@dataclass(frozen=True, slots=True)
class DueNudge:
    community: str
    platform: str
    member_id: str
    display_name: str


class FollowUps:
    """The members still expected to post, in memory so that every other message costs one set look-up."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._awaiting: set[Key] = set()

    def load(self) -> None:
        """Read the members still expected to post (once, at install, before events flow)."""
        rows = self.store.db.execute(
            "SELECT community, platform, member_id FROM welcome_followups "
            "WHERE first_post_at IS NULL AND nudged_at IS NULL"
        ).fetchall()
        self._awaiting = {(r[0], r[1], r[2]) for r in rows}

    def expect(self, key: Key) -> None:
        self._awaiting.add(key)

    def forget(self, key: Key) -> None:
        self._awaiting.discard(key)

    async def on_message(self, event: MessagePosted, community: Community) -> Sequence[Action]:
        """A newcomer's first message closes their follow-up."""
        key = (community.id, str(event.platform), event.member.id)
        if key not in self._awaiting:
            return []
        self._awaiting.discard(key)
        at = event.at.isoformat()
        await self.store.run(lambda db: _mark_first_post(db, key, at))
        return []


def _mark_first_post(db: sqlite_utils.Database, key: Key, at: str) -> None:
    with db.atomic():
        db.execute(
            "UPDATE welcome_followups SET first_post_at = ? "
            "WHERE community = ? AND platform = ? AND member_id = ? AND first_post_at IS NULL",
            [at, *key],
        )


def claim_due(db: sqlite_utils.Database, communities: list[str], now: datetime) -> list[DueNudge]:
    """Due, silent, still-present, not opted-out members; marked nudged in the same transaction."""
    marks = ", ".join("?" for _ in communities)
    with db.atomic():
        rows = db.execute(
            "SELECT f.community, f.platform, f.member_id, coalesce(m.display_name, f.member_id) "
            "FROM welcome_followups f JOIN members m USING (community, platform, member_id) "
            f"WHERE f.community IN ({marks}) AND f.due_at <= ? AND f.first_post_at IS NULL "
            "AND f.nudged_at IS NULL AND m.left_at IS NULL AND coalesce(m.opted_out, 0) = 0",
            [*communities, now.isoformat()],
        ).fetchall()
        db.conn.executemany(
            "UPDATE welcome_followups SET nudged_at = ? WHERE community = ? AND platform = ? AND member_id = ?",
            [(now.isoformat(), r[0], r[1], r[2]) for r in rows],
        )
    return [DueNudge(r[0], r[1], r[2], r[3]) for r in rows]
