"""Wake-ups for the calendar, rebuilt from the store at every start.

One job per waiting post, id `calendar:post:<id>`, carrying nothing but the post id (a closure over it); it is
added with replace_existing semantics, so rebuilding after a restart, or rescheduling a post, never adds a
second job. A periodic sweep (`calendar:sweep`) catches anything a lost wake-up would miss. Occurrences
already due are not given a job: the start-up catch-up delivers them, applying the lateness policy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from handlers.calendar import posts as ledger

SWEEP_JOB = "calendar:sweep"
RunPost = Callable[[int], Awaitable[None]]


def job_id(post_id: int) -> str:
    return f"calendar:post:{post_id}"


class CalendarJobs:
    def __init__(self, wakeups: Wakeups, clock: Clock, grace: timedelta) -> None:
        self.wakeups = wakeups
        self.clock = clock
        self.grace = grace
        self._run_post: RunPost | None = None

    def bind(self, run_post: RunPost) -> None:
        self._run_post = run_post

    def _job(self, post_id: int) -> Callable[[], Awaitable[None]]:
        run_post = self._run_post
        assert run_post is not None, "bind() the publisher before scheduling"

        async def wake() -> None:
            await run_post(post_id)

        return wake

    def schedule(self, post_id: int, due: datetime | None) -> None:
        """Wake the post at `due` (replacing its job), or forget it when it has nothing left to do."""
        if due is None:
            self.wakeups.remove(job_id(post_id))
            return
        if due <= self.clock.now():
            return  # already due: the caller or the sweep delivers it now
        self.wakeups.add(job_id(post_id), DateTrigger(run_date=due), self._job(post_id), misfire_grace=self.grace)

    async def rebuild(self, store: Store, sweep: Callable[[], Awaitable[None]], sweep_every: timedelta) -> int:
        """Jobs for every waiting post, from the store; returns how many post jobs exist now."""
        waiting = await store.run(ledger.waiting_posts)
        now = ledger.stamp(self.clock.now())
        with self.wakeups.batch():  # the scheduler looks at the jobs once, not after each of them
            for post_id, due in waiting:
                if due > now:
                    self.wakeups.add(job_id(post_id), DateTrigger(run_date=datetime.fromisoformat(due)),
                                     self._job(post_id), misfire_grace=self.grace)
        self.wakeups.add(SWEEP_JOB, IntervalTrigger(seconds=int(sweep_every.total_seconds()),
                                                        start_date=self.clock.now() + sweep_every), sweep,
                         misfire_grace=sweep_every)
        return sum(1 for j in self.wakeups.job_ids() if j.startswith("calendar:post:"))
