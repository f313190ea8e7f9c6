"""The nightly engagement upkeep: roll up the days and weeks that just ended, then apply retention.

Rolling up every night keeps the Monday report fast (it then reads only final roll-ups). Retention: raw
engagement rows older than the community's retention (default 13 months) are deleted; the daily roll-ups,
which hold no member id, are completed first and kept, so long-range charts survive while member-level data
does not. Member-week roll-ups go with the raw rows.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial

import sqlite_utils
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.engagement import membership, presence
from handlers.engagement.log import KINDS
from handlers.engagement.migrations import EVENTS, MEMBER_WEEKS, RETENTION_CUTOFFS
from schedules.report import regulars, week_counts, week_helpfulness, week_responses, week_slipping
from schedules.report.builder import report_platforms
from schedules.report.metrics import Scope
from schedules.report.rollups import ensure_days, ensure_weeks
from schedules.report.weeks import IsoWeek, day_epoch_bounds

log = logging.getLogger(__name__)
Flush = Callable[[], Awaitable[None]]
BATCH = 20_000  # rows per delete statement: the write lock is never held for long


def cutoff_for(community: Community, now: datetime) -> datetime:
    return now - timedelta(days=community.privacy.engagement_retention_days)


def purge_engagement(db: sqlite_utils.Database, community: Community, now: datetime) -> int:
    """Delete `community`'s engagement rows older than its retention; returns how many raw rows went."""
    cutoff = cutoff_for(community, now)
    cutoff_epoch = int(cutoff.timestamp())
    oldest = presence.oldest_row(db, community.id, KINDS)
    if oldest is None or oldest >= cutoff_epoch:
        return 0
    tz = community.tz
    first_day = datetime.fromtimestamp(oldest, UTC).astimezone(tz).date()
    last_day = cutoff.astimezone(tz).date()
    days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    ensure_days(db, community.id, days, tz, now)  # the aggregate history outlives the raw rows
    with db.atomic():  # rows older than this are history: deleting them does not reopen their roll-ups
        db.execute(f"INSERT OR REPLACE INTO {RETENTION_CUTOFFS} (community, cutoff) VALUES (?, ?)",
                   [community.id, cutoff_epoch])
    deleted = 0
    for kind in KINDS:
        while True:
            with db.atomic():
                count = db.execute(
                    f"DELETE FROM {EVENTS} WHERE id IN (SELECT id FROM {EVENTS}"
                    " WHERE community = ? AND kind = ? AND at < ? LIMIT ?)",
                    [community.id, kind, cutoff_epoch, BATCH],
                ).rowcount
            deleted += count
            if count < BATCH:
                break
    with db.atomic():
        db.execute(f"DELETE FROM {MEMBER_WEEKS} WHERE community = ? AND week < ?",
                   [community.id, str(IsoWeek.containing(cutoff, tz))])
        presence.purge_before(db, community.id, cutoff_epoch)
        membership.purge_before(db, community.id, cutoff_epoch)
        regulars.purge_before(db, community.id, IsoWeek.containing(cutoff, tz))
        week_counts.purge_before(db, community.id, IsoWeek.containing(cutoff, tz))
        week_helpfulness.purge_before(db, community.id, IsoWeek.containing(cutoff, tz))
        week_slipping.purge_before(db, community.id, IsoWeek.containing(cutoff, tz))
        week_responses.purge_before(db, community.id, IsoWeek.containing(cutoff, tz))
    return deleted


def roll_up_recent(db: sqlite_utils.Database, community: Community, now: datetime) -> None:
    """Make the last 8 days and the last 2 ISO weeks final (or current), so reports read roll-ups only."""
    tz = community.tz
    today = now.astimezone(tz).date()
    ensure_days(db, community.id, [today - timedelta(days=i) for i in range(1, 9)], tz, now)
    this_week = IsoWeek.containing(now, tz)
    ensure_weeks(db, community.id, [this_week.shift(-1), this_week.shift(-2)], tz, now)
    presence.advance(db, community.id, day_epoch_bounds(today, tz)[0])  # who was active before today
    membership.advance(db, community.id, this_week.shift(-2).epoch_bounds(tz)[0])  # before last week's report
    silence = max(1, -(-community.engagement.slipping_silence_days // 7))
    for reported in (this_week.shift(-1), this_week):  # the regulars this Monday's and next Monday's reports
        regulars.ensure(db, community.id, reported.shift(-silence),  # watch (a window already rolled is left)
                        community.engagement.slipping_regular_weeks, tz, now)
    week_counts.ensure(db, [Scope(community, reported, platform, now)  # this Monday's report and the one before
                            for reported in (this_week.shift(-1), this_week.shift(-2))
                            for platform in report_platforms(community)])
    week_helpfulness.ensure(db, community, (this_week.shift(-1), this_week.shift(-2)), now)
    week_slipping.ensure(db, community, (this_week.shift(-1), this_week.shift(-2)), now)
    week_responses.ensure(db, community, (this_week.shift(-1), this_week.shift(-2)), now, advance=True)


class RetentionJob:
    """The nightly upkeep. It writes the engagement buffer first (`flush`): a day rolled up while some of its
    rows still wait in memory would be final without them (a departure lost from every later report)."""

    def __init__(self, store: Store, clock: Clock, communities: Iterable[Community],
                 flush: Flush | None = None) -> None:
        self.store = store
        self.clock = clock
        self.communities = list(communities)
        self.flush = flush

    def register(self, wakeups: Wakeups) -> None:
        wakeups.add("engagement:retention", CronTrigger(hour=3, minute=17, timezone="UTC"), self.run,
                    misfire_grace=timedelta(hours=12))

    async def run(self) -> int:
        total = 0
        if self.flush is not None:
            await self.flush()
        now = self.clock.now()
        for community in self.communities:
            await self.store.run(partial(roll_up_recent, community=community, now=now))
            deleted = await self.store.run(partial(purge_engagement, community=community, now=now))
            if deleted:
                log.info("retention: deleted %d engagement rows of %s older than %s", deleted, community.id,
                         cutoff_for(community, now).date())
            total += deleted
        return total
