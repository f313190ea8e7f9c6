"""Waking scheduled work up: APScheduler on the real clock, a stepped twin on the simulated clock.

APScheduler only says "it is time": jobs carry ids, never state, and the work they call reads what is due from
the store. Both implementations take the same APScheduler triggers (`DateTrigger`, `CronTrigger`,
`IntervalTrigger`), so the console's simulated time runs exactly the schedule production would.
Features add their jobs in an `on_start` hook, rebuilt from the store at every start with stable ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import SimulatedClock
from bot.store.database import StoreUnavailable

log = logging.getLogger(__name__)
JobFunc = Callable[[], Awaitable[object]]
FatalHandler = Callable[[StoreUnavailable], None]
_INSTANT = timedelta(microseconds=1)
REPLAYED_PER_JUMP = 100  # fire times of one recurring job replayed in order during a clock jump; the rest coalesce


class Wakeups(Protocol):
    def add(self, job_id: str, trigger: BaseTrigger, func: JobFunc, *, misfire_grace: timedelta) -> None:
        """Add or replace the job `job_id`."""

    def remove(self, job_id: str) -> None:
        """Forget `job_id` if present."""

    def job_ids(self) -> set[str]: ...

    def batch(self) -> AbstractContextManager[None]:
        """Add many jobs at once (a rebuild at start): the scheduler looks at them once at the end."""

    def start(self) -> None: ...

    async def shutdown(self) -> None: ...


class SchedulerWakeups:
    """APScheduler 3.x, started inside the running loop, in UTC, coalescing missed runs into one."""

    def __init__(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
        self.on_fatal: FatalHandler | None = None  # set by the app: a job that finds the store unusable stops it

    def add(self, job_id: str, trigger: BaseTrigger, func: JobFunc, *, misfire_grace: timedelta) -> None:
        async def guarded() -> None:
            try:
                await func()
            except StoreUnavailable as error:
                if self.on_fatal is None:
                    raise
                self.on_fatal(error)

        self._scheduler.add_job(
            guarded,
            trigger=trigger,
            id=job_id,
            replace_existing=True,
            misfire_grace_time=max(1, int(misfire_grace.total_seconds())),
        )

    def remove(self, job_id: str) -> None:
        if self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

    def job_ids(self) -> set[str]:
        return {job.id for job in self._scheduler.get_jobs()}

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Paused while many jobs are added: a running APScheduler otherwise wakes up (a call into the event
        loop, a pass over its jobs) after every single `add`; it resumes, and looks once, at the end."""
        pause = self._scheduler.state == STATE_RUNNING
        if pause:
            self._scheduler.pause()
        try:
            yield
        finally:
            if pause:
                self._scheduler.resume()

    def start(self) -> None:
        self._scheduler.start()

    async def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)


@dataclass
class _SteppedJob:
    trigger: BaseTrigger
    func: JobFunc
    next_run: datetime | None
    misfire_grace: timedelta
    dated: bool = True  # a date or cron trigger (an interval trigger is a safety net: see `next_due`)


class SteppedWakeups:
    """Runs due jobs when the simulated clock moves (`run_due`), in due-time order, one run per job per step.

    Like APScheduler with `coalesce`, a job that missed several fire times while the clock jumped runs once.

    The clock moves at every `clock` line of a console script, a few times a minute of simulated time, while
    jobs come due a few times an hour: the earliest fire time of all jobs, and of the dated ones, are kept
    (`_soonest`, renewed whenever a job is added, removed or run), so a step with nothing due looks at no job.
    """

    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self._jobs: dict[str, _SteppedJob] = {}
        self._lock = asyncio.Lock()
        self._soonest: datetime | None = None  # the earliest next run of any job
        self._soonest_dated: datetime | None = None  # the earliest next run of a date or cron job

    def add(self, job_id: str, trigger: BaseTrigger, func: JobFunc, *, misfire_grace: timedelta) -> None:
        now = self.clock.now()
        self._jobs[job_id] = _SteppedJob(trigger, func, trigger.get_next_fire_time(None, now), misfire_grace,
                                         dated=not isinstance(trigger, IntervalTrigger))
        self._renew()

    def remove(self, job_id: str) -> None:
        if self._jobs.pop(job_id, None) is not None:
            self._renew()

    def _renew(self) -> None:
        """Find the earliest next runs again (a job was added, removed or run)."""
        soonest: datetime | None = None
        soonest_dated: datetime | None = None
        for job in self._jobs.values():  # one pass, no generator: it runs after every job that ran
            when = job.next_run
            if when is None:
                continue
            if soonest is None or when < soonest:
                soonest = when
            if job.dated and (soonest_dated is None or when < soonest_dated):
                soonest_dated = when
        self._soonest, self._soonest_dated = soonest, soonest_dated

    def job_ids(self) -> set[str]:
        return set(self._jobs)

    def batch(self) -> AbstractContextManager[None]:
        return contextlib.nullcontext()

    def start(self) -> None:
        pass

    async def shutdown(self) -> None:
        self._jobs.clear()
        self._renew()

    def next_due(self, skipping: set[str] | frozenset[str] = frozenset()) -> datetime | None:
        """When the earliest dated job (date or cron trigger) fires next; None when there is none.

        Interval jobs are safety nets (sweeps, catch-ups): they run at every stop the clock makes anyway, so a
        clock jump stops only at the moments something is really due. Jobs in `skipping` are left out."""
        if not skipping:
            return self._soonest_dated
        times = [
            job.next_run
            for job_id, job in self._jobs.items()
            if job.next_run is not None and job.dated and job_id not in skipping
        ]
        return min(times) if times else None

    async def advance_to(self, target: datetime, on_step: Callable[[datetime], None] | None = None) -> None:
        """Move the simulated clock to `target` the way real time would pass: each job runs at its own due time,
        in order, so a weekly post due on Thursday goes out on Thursday even when the clock jumps a week.
        `on_step` is told each intermediate time the clock stops at (the console prints it).

        A recurring (cron) job stops the clock at most `REPLAYED_PER_JUMP` times on the way; its later fire times
        within the jump coalesce into one more run at `target`, as APScheduler coalesces missed runs. So a jump
        costs at most that many steps per job, never one per day: `clock +100y` costs what `clock +100d` does."""
        stops: Counter[str] = Counter()
        done: set[str] = set()  # recurring jobs that stopped the clock often enough during this jump
        while (due := self.next_due(done)) is not None and due <= target:
            if due > self.clock.now():
                self.clock.set(due)
                if on_step is not None:
                    on_step(due)
            for job_id in await self._run_due():
                if self._recurring(job_id):
                    stops[job_id] += 1
                    if stops[job_id] >= REPLAYED_PER_JUMP:
                        done.add(job_id)
        if target > self.clock.now():
            self.clock.set(target)
        await self.run_due()

    def _recurring(self, job_id: str) -> bool:
        job = self._jobs.get(job_id)
        return job is not None and not isinstance(job.trigger, DateTrigger)

    async def run_due(self) -> int:
        """Run every job whose next fire time has come; returns how many ran."""
        return len(await self._run_due())

    async def _run_due(self) -> list[str]:
        async with self._lock:
            now = self.clock.now()
            if self._soonest is None or self._soonest > now:
                return []  # nothing is due: no job to look at
            due = sorted(
                ((job.next_run, job_id) for job_id, job in self._jobs.items() if job.next_run and job.next_run <= now),
            )
            try:
                for fire_time, job_id in due:
                    job = self._jobs.get(job_id)
                    if job is None:
                        continue
                    job.next_run = _next_after(job.trigger, fire_time, now)
                    if job.next_run is None:
                        self._jobs.pop(job_id, None)
                    self._renew()
                    try:
                        await job.func()
                    except StoreUnavailable:
                        raise  # the caller (the console) stops the app
                    except Exception:
                        log.exception("scheduled job %s failed", job_id)
            finally:
                self._renew()
            return [job_id for _, job_id in due]


def _next_after(trigger: BaseTrigger, fire_time: datetime, now: datetime) -> datetime | None:
    """The trigger's first fire time after `now`, missed ones coalesced, computed directly (never day by day)."""
    upcoming = trigger.get_next_fire_time(fire_time, now)  # a date trigger answers None: it fired
    if upcoming is None or upcoming > now:
        return upcoming
    return trigger.get_next_fire_time(None, now + _INSTANT)
