"""The stepped wake-ups keep their earliest fire times instead of scanning every job at each clock step: held to
the plain scan they replace (a property test), and counted (a step with nothing due looks at no job)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from hypothesis import given
from hypothesis import strategies as st

from bot.clock import SimulatedClock
from bot.wakeups import SteppedWakeups, _next_after

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
GRACE = timedelta(minutes=5)


class ScanningWakeups:
    """The reference: every step scans every job for what is due, every `next_due` too (the former code)."""

    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self.jobs: dict[str, list] = {}  # job id -> [trigger, func, next run]

    def add(self, job_id: str, trigger: BaseTrigger, func, *, misfire_grace: timedelta) -> None:
        self.jobs[job_id] = [trigger, func, trigger.get_next_fire_time(None, self.clock.now())]

    def remove(self, job_id: str) -> None:
        self.jobs.pop(job_id, None)

    def job_ids(self) -> set[str]:
        return set(self.jobs)

    def next_due(self, skipping=frozenset()):
        times = [job[2] for job_id, job in self.jobs.items()
                 if job[2] is not None and not isinstance(job[0], IntervalTrigger) and job_id not in skipping]
        return min(times) if times else None

    async def run_due(self) -> list[str]:
        now = self.clock.now()
        due = sorted((job[2], job_id) for job_id, job in self.jobs.items() if job[2] and job[2] <= now)
        for fire_time, job_id in due:
            job = self.jobs.get(job_id)
            if job is None:
                continue
            job[2] = _next_after(job[0], fire_time, now)
            if job[2] is None:
                self.jobs.pop(job_id, None)
            await job[1]()
        return [job_id for _, job_id in due]


def _trigger(kind: str, number: int) -> BaseTrigger:
    if kind == "cron":
        return CronTrigger(minute=number % 60, timezone="UTC")
    if kind == "interval":
        return IntervalTrigger(seconds=30 + number * 7, start_date=START, timezone="UTC")
    return DateTrigger(START + timedelta(seconds=number * 37))


JOB_IDS = st.sampled_from(["a", "b", "c", "d", "e"])
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("add"), JOB_IDS, st.sampled_from(["cron", "interval", "date", "chain"]),
              st.integers(0, 200)),
    st.tuples(st.just("remove"), JOB_IDS, st.just(""), st.just(0)),
    st.tuples(st.just("step"), st.just(""), st.just(""), st.integers(0, 900)),
), max_size=40)


async def _play(wakeups_type, operations) -> list:
    clock = SimulatedClock(START)
    wakeups = wakeups_type(clock)
    seen: list = []

    def job(name: str, chain: bool):
        async def run() -> None:
            seen.append((name, clock.now()))
            if chain:  # a job that schedules another while it runs (as the calendar does)
                later = DateTrigger(clock.now() + timedelta(seconds=90))
                wakeups.add(f"{name}-next", later, job(f"{name}-next", False), misfire_grace=GRACE)
        return run

    for verb, job_id, kind, number in operations:
        if verb == "add":
            trigger = _trigger("date" if kind == "chain" else kind, number)
            wakeups.add(job_id, trigger, job(job_id, kind == "chain"), misfire_grace=GRACE)
        elif verb == "remove":
            wakeups.remove(job_id)
        else:
            clock.advance(timedelta(seconds=number))
            ran = await wakeups.run_due()
            seen.append(("ran", ran if isinstance(ran, int) else len(ran)))
        seen.append(("due", wakeups.next_due(), sorted(wakeups.job_ids())))
    return seen


@given(OPERATIONS)
async def test_the_kept_fire_times_run_what_the_plain_scan_runs(operations):
    assert await _play(SteppedWakeups, operations) == await _play(ScanningWakeups, operations)


class CountingJobs(dict):
    """A job table that counts how often it is walked."""

    walks = 0

    def items(self):
        CountingJobs.walks += 1
        return super().items()

    def values(self):
        CountingJobs.walks += 1
        return super().values()


async def test_a_clock_step_with_nothing_due_looks_at_no_job():
    clock = SimulatedClock(START + timedelta(seconds=30))  # 02:00 has just passed: the next job is at 03:00
    wakeups = SteppedWakeups(clock)
    wakeups._jobs = CountingJobs()
    ran: list[str] = []

    def job(name: str):
        async def run() -> None:
            ran.append(name)
        return run

    for minute in range(24):  # as many jobs as the shipped features schedule, due on the hour
        wakeups.add(f"job{minute}", CronTrigger(minute=0, hour=minute, timezone="UTC"), job(f"job{minute}"),
                    misfire_grace=GRACE)
    CountingJobs.walks = 0
    for _ in range(300):  # ten seconds at a time, as the console's `clock +10s`: 50 minutes, nothing due
        clock.advance(timedelta(seconds=10))
        assert await wakeups.run_due() == 0
        assert wakeups.next_due() == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert CountingJobs.walks == 0
    clock.advance(timedelta(minutes=11))  # past 03:00: one job is due, and the table is walked for it
    assert await wakeups.run_due() == 1
    assert ran == ["job3"]
    assert 0 < CountingJobs.walks <= 3
