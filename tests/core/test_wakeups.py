"""The stepped wake-ups: the console's simulated time runs APScheduler's own triggers, in due order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.clock import SimulatedClock
from bot.wakeups import SteppedWakeups

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris


def recorder(clock, seen, name):
    async def job() -> None:
        seen.append((name, clock.now()))

    return job


async def test_a_clock_jump_runs_each_job_at_its_own_time_in_order():
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    seen: list[tuple[str, datetime]] = []
    wakeups.add("thursdays", CronTrigger(day_of_week="thu", hour=18, timezone="Europe/Paris"),
                recorder(clock, seen, "thursdays"), misfire_grace=timedelta(hours=1))
    wakeups.add("once", DateTrigger(START + timedelta(days=1)), recorder(clock, seen, "once"),
                misfire_grace=timedelta(hours=1))
    await wakeups.advance_to(START + timedelta(days=14))
    assert seen == [
        ("once", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        ("thursdays", datetime(2026, 11, 26, 17, 0, tzinfo=UTC)),
        ("thursdays", datetime(2026, 12, 3, 17, 0, tzinfo=UTC)),
    ]
    assert clock.now() == START + timedelta(days=14)
    assert wakeups.job_ids() == {"thursdays"}  # the one-shot job is gone


async def test_run_due_coalesces_missed_runs_into_one():
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    seen: list[tuple[str, datetime]] = []
    wakeups.add("hourly", CronTrigger(minute=0, timezone="UTC"), recorder(clock, seen, "hourly"),
                misfire_grace=timedelta(minutes=5))
    clock.advance(timedelta(hours=5))
    assert await wakeups.run_due() == 1
    assert len(seen) == 1
    assert wakeups.next_due() == START + timedelta(hours=6)


async def test_a_failing_job_does_not_stop_the_others(caplog):
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    seen: list[tuple[str, datetime]] = []

    async def broken() -> None:
        raise RuntimeError("boom")

    wakeups.add("a-broken", DateTrigger(START + timedelta(minutes=1)), broken, misfire_grace=timedelta(minutes=1))
    wakeups.add("b-fine", DateTrigger(START + timedelta(minutes=1)), recorder(clock, seen, "fine"),
                misfire_grace=timedelta(minutes=1))
    await wakeups.advance_to(START + timedelta(minutes=2))
    assert [name for name, _ in seen] == ["fine"]
    assert "scheduled job a-broken failed" in caplog.text
