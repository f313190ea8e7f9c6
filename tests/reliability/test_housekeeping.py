"""Bounded costs: handled event ids are purged through their index, a clock jump costs per job, not per day."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot import seen_events
from bot.app import App
from bot.clock import SimulatedClock
from bot.features import upkeep
from bot.platforms.console import ConsolePlatform
from bot.wakeups import REPLAYED_PER_JUMP, SteppedWakeups
from schedules.seen_events import PURGE_JOB

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_handled_event_ids_are_purged_past_their_window_and_recent_ones_kept(store):
    for days in (30, 8, 6, 0):
        seen_events.record(store.db, "slack", f"E{days}", NOW - timedelta(days=days))
    assert seen_events.purge(store.db, NOW) == 2
    assert sorted(r["event_id"] for r in store.db["seen_events"].rows) == ["E0", "E6"]
    assert seen_events.record(store.db, "slack", "E6", NOW) is False  # still a replay within the window


def test_forgetting_a_member_deletes_the_ids_naming_them_whole_and_no_other(store):
    for event_id in ("join:g1:a_b:2026-11-01", "join:g1:axb:2026-11-01", "join:g1:a_bc:2026-11-01", "m:a_b"):
        seen_events.record(store.db, "discord", event_id, NOW)
    seen_events.record(store.db, "slack", "join:T1:a_b:2026-11-01", NOW)
    with store.db.conn:
        assert seen_events.forget_member(store.db, "discord", "a_b") == 1  # `_` is not a wildcard here
    left = sorted((r["platform"], r["event_id"]) for r in store.db["seen_events"].rows)
    assert left == [("discord", "join:g1:a_bc:2026-11-01"), ("discord", "join:g1:axb:2026-11-01"),
                    ("discord", "m:a_b"), ("slack", "join:T1:a_b:2026-11-01")]


def test_the_purge_is_batched_and_goes_through_the_seen_at_index(store, monkeypatch):
    monkeypatch.setattr(seen_events, "PURGE_BATCH", 7)
    for index in range(50):
        seen_events.record(store.db, "discord", f"E{index}", NOW - timedelta(days=30, minutes=index))
    assert seen_events.purge(store.db, NOW) == 50
    plan = " ".join(row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {seen_events.PURGE_SQL}",
                                                         ["2026-01-01", 7]))  # fmt: skip
    assert "USING COVERING INDEX idx_seen_events_seen_at (seen_at<?)" in plan, plan
    assert "SCAN seen_events" not in plan


async def test_the_purge_is_a_clock_job_that_also_runs_at_start(tmp_path, settings, store):
    seen_events.record(store.db, "console", "old", NOW - timedelta(days=30))
    clock = SimulatedClock(NOW)
    wakeups = SteppedWakeups(clock)
    app = App(settings, store, clock, wakeups, [upkeep.feature])
    app.attach([ConsolePlatform("console", clock, app.services.commands, wakeups.run_due, io.StringIO(),
                                io.StringIO())])  # fmt: skip
    await app.start()
    try:
        assert PURGE_JOB in wakeups.job_ids()
        assert store.db["seen_events"].count == 0
        seen_events.record(store.db, "console", "later", NOW)
        await wakeups.advance_to(NOW + timedelta(days=8))
        assert store.db["seen_events"].count == 0  # the nightly run forgot it once it was past the window
    finally:
        store.close = lambda: None  # the fixture closes it
        await app.stop()


async def test_a_clock_jump_of_a_century_costs_per_job_not_per_day():
    clock = SimulatedClock(NOW)
    wakeups = SteppedWakeups(clock)
    runs = {"nightly": 0, "weekly": 0, "once": 0}
    calls = {"fire times computed": 0}

    class CountingCron(CronTrigger):
        def get_next_fire_time(self, previous, now):
            calls["fire times computed"] += 1
            return super().get_next_fire_time(previous, now)

    def job(name):
        async def run() -> None:
            runs[name] += 1

        return run

    wakeups.add("nightly", CountingCron(hour=3, timezone="UTC"), job("nightly"), misfire_grace=timedelta(hours=1))
    wakeups.add("weekly", CountingCron(day_of_week="mon", hour=9, timezone="UTC"), job("weekly"),
                misfire_grace=timedelta(hours=1))  # fmt: skip
    wakeups.add("once", DateTrigger(NOW + timedelta(days=20_000)), job("once"), misfire_grace=timedelta(hours=1))
    await wakeups.advance_to(NOW + timedelta(days=36_500))
    assert clock.now() == NOW + timedelta(days=36_500)
    stops = 2 * REPLAYED_PER_JUMP + 2  # each recurring job stops the clock at most that often, plus the date, the end
    assert runs["once"] == 1
    assert REPLAYED_PER_JUMP < runs["weekly"] <= stops and REPLAYED_PER_JUMP < runs["nightly"] <= stops, runs
    assert calls["fire times computed"] <= 2 * 2 * stops  # 36,500 days (5,200 Mondays): never one per day
