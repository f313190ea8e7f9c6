"""The CM's "active accompaniment": one friendly nudge to a newcomer who has not posted N days after joining.

A follow-up row is opened when a member joins (if the community turned follow-ups on and the member has not
opted out). Their first message closes it (only a date is written, never the content); an hourly clock job
nudges the rows that fell due, marking each as nudged *before* sending so a crash or a restart can never nudge
the same member twice. The row is keyed by member, not by join: leaving and coming back does not earn a second
nudge.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils
from apscheduler.triggers.cron import CronTrigger

from bot.actions import Action, Content, DirectMessage, Post
from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.events import MessagePosted, PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.welcome.templates import Newcomer, followup_text

log = logging.getLogger(__name__)
Key = tuple[str, str, str]  # community, platform, member id
JOB_ID = "welcome:followup"


@dataclass(frozen=True, slots=True)
class DueNudge:
    community: str
    platform: str
    member_id: str
    display_name: str


class FollowUps:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        outbox: Outbox,
        catalogue: Catalogue,
        directory: CommunityDirectory,
    ) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.directory = directory
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
        """A newcomer's first message closes their follow-up; every other message costs one set look-up."""
        key = (community.id, str(event.platform), event.member.id)
        if key not in self._awaiting:
            return []
        self._awaiting.discard(key)
        at = event.at.isoformat()
        await self.store.run(lambda db: _mark_first_post(db, key, at))
        return []

    def schedule(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(minute=0, timezone="UTC"), self.run_due, misfire_grace=timedelta(hours=1))

    async def run_due(self) -> int:
        """Nudge every member whose follow-up fell due; returns how many were nudged."""
        enabled = [c.id for c in self.directory if c.welcome.enabled and c.welcome.followup]
        if not enabled:
            return 0
        now = self.clock.now()
        due = await self.store.run(lambda db: _claim_due(db, enabled, now))
        for nudge in due:
            self._awaiting.discard((nudge.community, nudge.platform, nudge.member_id))
            community = self.directory.by_id(nudge.community)
            action = nudge_action(community, nudge, self.catalogue)
            if action is None:
                log.warning("no onboarding or welcome channel on %s for %s: nudge skipped", nudge.platform,
                            nudge.community)
                continue
            await self.outbox.send(PlatformName(nudge.platform), action)
        return len(due)


def nudge_action(community: Community, nudge: DueNudge, catalogue: Catalogue) -> Action | None:
    space = community.space(nudge.platform)
    channel = (space.channels.onboarding or space.channels.welcome) if space is not None else None
    text = followup_text(community, Newcomer(nudge.member_id, nudge.display_name), catalogue)
    if community.welcome.followup_via == "dm":
        return DirectMessage(member_id=nudge.member_id, content=Content(text=text), fallback_channel_id=channel)
    if channel is None:
        return None
    return Post(channel_id=channel, content=Content(text=text))


def _mark_first_post(db: sqlite_utils.Database, key: Key, at: str) -> None:
    with db.conn:
        db.execute(
            "UPDATE welcome_followups SET first_post_at = ? "
            "WHERE community = ? AND platform = ? AND member_id = ? AND first_post_at IS NULL",
            [at, *key],
        )


def _claim_due(db: sqlite_utils.Database, communities: list[str], now: datetime) -> list[DueNudge]:
    """Due, silent, still-present, not opted-out members; marked nudged in the same transaction."""
    marks = ", ".join("?" for _ in communities)
    with db.conn:
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
