"""Wake-ups for the calendar: one APScheduler job per distinct due instant of the coming window.

APScheduler's own work is per job (`add_job` checks and files each one; each wake-up is dispatched on its own),
so one job per post made 1,000 posts due in the same second 1,000 wake-ups, and a start with 10,000 posts
waiting 10,000 `add_job` calls. Here the posts due at the same instant share one job,
`calendar:at:<instant>`, which hands all their ids to the publisher at once; and only the instants of the
coming window (`WINDOW`) have a job at all. A dated job, `calendar:horizon`, fires one window before the first
due time beyond it and loads the next window from the store. It is dated, not an interval, so the console's
stepped clock stops only where something is due, and a clock jump over a quiet year costs nothing.

With a `lead`, each instant also has a job `calendar:ready:<instant>` that fires that much earlier and has
the publisher read and render the instant's posts ahead (writing nothing), so that at the instant itself only
the claim and the sends are left.

The ids held here are only a wake-up list: the store stays the truth. The publisher reads and claims every
woken post from the store (a post cancelled or moved meanwhile is found so, and left alone), and the sweep
(`calendar:sweep`) catches anything a lost wake-up would miss. Occurrences already due get no job: the
start-up catch-up or the caller delivers them, applying the lateness policy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

import sqlite_utils
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from handlers.calendar import posts as ledger

SWEEP_JOB = "calendar:sweep"
HORIZON_JOB = "calendar:horizon"
WINDOW = timedelta(hours=1)  # how far ahead due instants have a job of their own
READ_AHEAD = timedelta(seconds=2)  # how long before an instant its posts are read and rendered
RunPosts = Callable[[Sequence[int]], Awaitable[None]]
ReadAhead = Callable[[Sequence[int], datetime], Awaitable[object]]


def instant_job_id(due: datetime) -> str:
    return f"calendar:at:{ledger.stamp(due)}"


def ready_job_id(due: datetime) -> str:
    return f"calendar:ready:{ledger.stamp(due)}"


class CalendarJobs:
    """The wake-up list of the coming window. `added` counts the jobs handed to the scheduler (tests count it)."""

    def __init__(self, wakeups: Wakeups, clock: Clock, grace: timedelta, window: timedelta = WINDOW,
                 lead: timedelta = timedelta(0)) -> None:
        self.wakeups = wakeups
        self.clock = clock
        self.grace = grace
        self.window = window
        self.lead = lead
        self.added = 0
        self._run_posts: RunPosts | None = None
        self._read_ahead: ReadAhead | None = None
        self._store: Store | None = None
        self._due_of: dict[int, datetime] = {}  # post id -> the instant whose job wakes it
        self._instants: dict[datetime, set[int]] = {}  # instant -> the posts its job wakes
        self._horizon = clock.now()  # every waiting post due up to here was placed on its instant
        self._horizon_at: datetime | None = None  # when the horizon job loads the next window

    def bind(self, run_posts: RunPosts, read_ahead: ReadAhead | None = None) -> None:
        self._run_posts = run_posts
        self._read_ahead = read_ahead

    def schedule(self, post_id: int, due: datetime | None) -> None:
        """Wake the post at `due` (leaving its former instant), or forget it when it has nothing left to do."""
        self._forget(post_id)
        now = self.clock.now()
        if due is None or due <= now:
            return  # nothing left, or already due: the caller or the sweep delivers it now
        if due <= max(self._horizon, now + self.window):
            self._place(post_id, due)
        else:
            self._load_before(due)

    def planned(self) -> dict[datetime, frozenset[int]]:
        """The instants that have a job, and the posts each one wakes."""
        return {due: frozenset(ids) for due, ids in self._instants.items()}

    async def rebuild(self, store: Store, sweep: Callable[[], Awaitable[None]], sweep_every: timedelta) -> int:
        """The jobs of the coming window, from the store, and the sweep; returns how many posts have a wake-up."""
        self._store = store
        await self.load()
        self._add(SWEEP_JOB, IntervalTrigger(seconds=int(sweep_every.total_seconds()),
                                             start_date=self.clock.now() + sweep_every), sweep, sweep_every)
        return len(self._due_of)

    async def load(self) -> None:
        """The horizon job: one store trip reads the waiting posts due within the window and the first due time
        beyond it; each new instant gets a job, and the horizon job moves to one window before that time."""
        assert self._store is not None, "rebuild() before the horizon moves"
        now = self.clock.now()
        until = now + self.window
        waiting, beyond = await self._store.run(partial(_window, now=now, until=until))
        self._horizon_at = None
        with self.wakeups.batch():  # the scheduler looks at the new jobs once, not after each of them
            self._horizon = max(self._horizon, until)
            for post_id, due in waiting:
                if self._due_of.get(post_id) != due:
                    self._forget(post_id)
                    self._place(post_id, due)
            if beyond is not None:
                self._load_before(beyond, until - self.window / 2)

    # -- the wake-up list -----------------------------------------------------------------------------------
    def _place(self, post_id: int, due: datetime) -> None:
        ids = self._instants.get(due)
        if ids is None:
            ids = self._instants[due] = set()
            self._add(instant_job_id(due), DateTrigger(run_date=due), self._wake(due), self.grace)
            if self._read_ahead is not None and self.lead > timedelta(0) and due - self.lead > self.clock.now():
                self._add(ready_job_id(due), DateTrigger(run_date=due - self.lead), self._ready(due), self.lead)
        ids.add(post_id)
        self._due_of[post_id] = due

    def _forget(self, post_id: int) -> None:
        due = self._due_of.pop(post_id, None)
        if due is None:
            return
        ids = self._instants.get(due)
        if ids is None:
            return
        ids.discard(post_id)
        if not ids:
            del self._instants[due]
            self.wakeups.remove(instant_job_id(due))
            self.wakeups.remove(ready_job_id(due))

    def _load_before(self, due: datetime, earliest: datetime | None = None) -> None:
        """Make sure the horizon job loads the window holding `due` before it falls due: one window ahead, but
        not before `earliest` (half a window before the end of the one just loaded, so that posts due every few
        minutes make the horizon move every half window, not once per post)."""
        at = due - self.window if earliest is None else max(due - self.window, earliest)
        if self._horizon_at is not None and self._horizon_at <= at:
            return
        self._horizon_at = at
        self._add(HORIZON_JOB, DateTrigger(run_date=at), self.load, self.grace)

    def _ready(self, due: datetime) -> Callable[[], Awaitable[None]]:
        async def ready() -> None:
            ids = self._instants.get(due)
            if ids and self._read_ahead is not None:
                await self._read_ahead(sorted(ids), due)

        return ready

    def _wake(self, due: datetime) -> Callable[[], Awaitable[None]]:
        async def wake() -> None:
            ids = self._instants.pop(due, set())
            for post_id in ids:
                if self._due_of.get(post_id) == due:
                    del self._due_of[post_id]
            if ids:
                assert self._run_posts is not None, "bind() the publisher before scheduling"
                await self._run_posts(sorted(ids))

        return wake

    def _add(self, job_id: str, trigger: DateTrigger | IntervalTrigger, func: Callable[[], Awaitable[None]],
             misfire_grace: timedelta) -> None:
        self.added += 1
        self.wakeups.add(job_id, trigger, func, misfire_grace=misfire_grace)


def _window(db: sqlite_utils.Database, now: datetime, until: datetime) -> tuple[list[tuple[int, datetime]],
                                                                                   datetime | None]:
    """On the store's thread: the waiting posts due in (now, until], and the first due time after `until`."""
    waiting = [(post_id, datetime.fromisoformat(due)) for post_id, due in ledger.waiting_between(db, now, until)]
    beyond = ledger.first_waiting_after(db, until)
    return waiting, None if beyond is None else datetime.fromisoformat(beyond)
