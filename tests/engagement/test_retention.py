"""Retention: raw rows past the community's retention go, the daily roll-ups stay."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import SimulatedClock
from bot.wakeups import SteppedWakeups
from schedules.engagement.upkeep import RetentionJob
from tests.report.dataset import PARIS, acme_settings

DAY = 86_400


def _insert(db, when: datetime, member: str) -> None:
    db.execute("INSERT INTO engagement_events (community, platform, channel_id, member_id, kind, at)"
               " VALUES ('acme', 'discord', 'general', ?, 'message', ?)", [member, int(when.timestamp())])
    db.conn.commit()


async def test_purge_after_retention_keeps_the_daily_rollups(store):
    settings = acme_settings("\n[communities.privacy]\nengagement_retention_days = 30\n")
    start = datetime(2026, 1, 5, 12, 0, tzinfo=PARIS)
    _insert(store.db, start, "old")
    _insert(store.db, start + timedelta(days=20), "recent")
    clock = SimulatedClock(start + timedelta(days=35))  # "old" is 35 days old, "recent" 15
    job = RetentionJob(store, clock, settings.communities)
    assert await job.run() == 1
    assert [r[0] for r in store.db.execute("SELECT member_id FROM engagement_events")] == ["recent"]
    daily = store.db.execute("SELECT day, events FROM engagement_daily WHERE kind = 'message'").fetchall()
    assert ("2026-01-05", 1) in daily  # the purged day is still counted in the roll-up
    assert await job.run() == 0  # nothing more to purge


async def test_the_purge_runs_nightly_on_the_clock(store):
    settings = acme_settings()  # default retention: 396 days (13 months)
    start = datetime(2025, 1, 6, 12, 0, tzinfo=PARIS)
    _insert(store.db, start, "old")
    clock = SimulatedClock(start + timedelta(days=395))
    wakeups = SteppedWakeups(clock)
    RetentionJob(store, clock, settings.communities).register(wakeups)
    clock.advance(timedelta(days=1))
    await wakeups.run_due()
    assert store.db["engagement_events"].count == 1  # 396 days old: not yet past the retention
    clock.advance(timedelta(days=1))
    await wakeups.run_due()
    assert store.db["engagement_events"].count == 0


async def test_the_nightly_run_makes_yesterday_and_last_week_final(store):
    settings = acme_settings()
    _insert(store.db, datetime(2026, 11, 22, 18, 0, tzinfo=PARIS), "alice")  # Sunday of 2026-W47
    clock = SimulatedClock(datetime(2026, 11, 23, 4, 17, tzinfo=PARIS))
    await RetentionJob(store, clock, settings.communities).run()
    periods = {r[0] for r in store.db.execute("SELECT period FROM engagement_rollups")}
    assert {"d:2026-11-22", "w:2026-W47"} <= periods
    assert store.db.execute("SELECT member_id FROM engagement_member_weeks").fetchall() == [("alice",)]
