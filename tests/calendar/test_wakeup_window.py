"""One wake-up per due instant of the coming window: jobs handed to the scheduler and wake-ups are counted.

The scheduler's own work is per job, so what matters is how many jobs the calendar hands it (`added`) and how
many times it wakes the publisher, never how long either takes. The stepped wake-ups run the same triggers
APScheduler would, on a simulated clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.schedulers.base import STATE_RUNNING
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clock import SimulatedClock, SystemClock
from bot.store import Store
from bot.wakeups import SchedulerWakeups, SteppedWakeups
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, PostDraft, Target, create_post, stamp, transition
from schedules.calendar.jobs import HORIZON_JOB, SWEEP_JOB, WINDOW, CalendarJobs, instant_job_id
from tests.calendar.conftest import START


class Woken:
    """The publisher's side of a wake-up: when it came and which posts it carried."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.calls: list[tuple[datetime, list[int]]] = []

    async def __call__(self, post_ids) -> None:
        self.calls.append((self.clock.now(), list(post_ids)))

    def when(self) -> dict[int, list[datetime]]:
        seen: dict[int, list[datetime]] = {}
        for at, ids in self.calls:
            for post_id in ids:
                seen.setdefault(post_id, []).append(at)
        return seen


async def _nothing() -> None:
    return None


def _post(db, due: datetime, index: int = 0, status: Status = Status.SCHEDULED) -> int:
    draft = PostDraft(community="demo", author=Actor("console", "sam"), body=f"Post {index}",
                      targets=(Target("console", "news"),), timezone="Europe/Paris", publish_at=due, utm=False)
    return create_post(db, draft, status, START)


def _stepped(clock: SimulatedClock) -> tuple[SteppedWakeups, CalendarJobs, Woken]:
    wakeups = SteppedWakeups(clock)
    jobs = CalendarJobs(wakeups, clock, timedelta(hours=1))
    woken = Woken(clock)
    jobs.bind(woken)
    return wakeups, jobs, woken


async def test_a_thousand_posts_due_in_the_same_second_are_one_job_and_one_wake_up(store):
    clock = SimulatedClock(START)
    wakeups, jobs, woken = _stepped(clock)
    await jobs.rebuild(store, _nothing, timedelta(minutes=5))
    due = START + timedelta(minutes=10)
    before = jobs.added
    for post_id in range(1, 1001):
        jobs.schedule(post_id, due)
    assert jobs.added - before == 1
    assert instant_job_id(due) in wakeups.job_ids()
    await wakeups.advance_to(due)
    assert woken.calls == [(due, list(range(1, 1001)))]
    assert instant_job_id(due) not in wakeups.job_ids()  # a date job: gone once fired


async def test_moving_and_cancelling_posts_moves_them_between_instants_and_drops_empty_ones(store):
    clock = SimulatedClock(START)
    wakeups, jobs, woken = _stepped(clock)
    await jobs.rebuild(store, _nothing, timedelta(minutes=5))
    first, second = START + timedelta(minutes=10), START + timedelta(minutes=20)
    jobs.schedule(1, first)
    jobs.schedule(2, first)
    jobs.schedule(2, second)  # rescheduled: leaves the first instant
    jobs.schedule(3, second)
    jobs.schedule(3, None)  # cancelled
    jobs.schedule(1, None)  # the first instant has nobody left: its job goes
    assert jobs.planned() == {second: frozenset({2})}
    assert wakeups.job_ids() & {instant_job_id(first), instant_job_id(second)} == {instant_job_id(second)}
    await wakeups.advance_to(START + timedelta(hours=2))
    assert woken.calls == [(second, [2])]


async def test_the_rebuild_of_posts_waiting_far_ahead_adds_no_job_per_post_and_each_is_woken_on_time(store):
    clock = SimulatedClock(START)
    first = START + timedelta(days=1)
    dues = {_post(store.db, first + timedelta(minutes=5 * index), index): first + timedelta(minutes=5 * index)
            for index in range(300)}  # one every 5 minutes for 25 hours, from tomorrow
    wakeups, jobs, woken = _stepped(clock)
    assert await jobs.rebuild(store, _nothing, timedelta(minutes=5)) == 0
    assert jobs.added == 2  # the horizon and the sweep: nothing per post
    assert wakeups.job_ids() == {HORIZON_JOB, SWEEP_JOB}
    await wakeups.advance_to(START + timedelta(days=3))
    assert woken.when() == {post_id: [due] for post_id, due in dues.items()}  # each once, at its due time
    horizon_moves = jobs.added - 2 - len(dues)
    assert horizon_moves <= 2 * 25 + 2  # the horizon moves every half window at most, never per post


async def test_a_quiet_year_costs_one_horizon_job_not_a_stop_per_window(store):
    clock = SimulatedClock(START)
    due = START + timedelta(days=365)
    post_id = _post(store.db, due)
    wakeups, jobs, woken = _stepped(clock)
    await jobs.rebuild(store, _nothing, timedelta(days=1))
    stops: list[datetime] = []
    await wakeups.advance_to(due + timedelta(days=1), stops.append)
    assert woken.calls == [(due, [post_id])]
    assert stops == [due - WINDOW, due]  # the horizon loads the post's window, then its instant wakes it


async def test_a_post_scheduled_beyond_the_window_is_loaded_in_time(store):
    clock = SimulatedClock(START)
    wakeups, jobs, woken = _stepped(clock)
    await jobs.rebuild(store, _nothing, timedelta(minutes=5))
    due = START + timedelta(hours=6)
    post_id = _post(store.db, due)
    jobs.schedule(post_id, due)
    assert jobs.planned() == {}  # beyond the window: no job of its own yet
    await wakeups.advance_to(START + timedelta(hours=7))
    assert woken.calls == [(due, [post_id])]


async def test_a_post_cancelled_in_the_store_while_its_window_was_loaded_is_not_loaded_again(store):
    clock = SimulatedClock(START)
    kept = _post(store.db, START + timedelta(hours=3), 1)
    cancelled = _post(store.db, START + timedelta(hours=3), 2)
    wakeups, jobs, woken = _stepped(clock)
    await jobs.rebuild(store, _nothing, timedelta(minutes=5))
    transition(store.db, cancelled, Status.CANCELLED, Actor("console", "sam"), START, action="cancel",
               next_due_at=None)
    await wakeups.advance_to(START + timedelta(hours=4))
    assert woken.calls == [(START + timedelta(hours=3), [kept])]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=4 * 60)),
                min_size=1, max_size=30))
def test_every_waiting_post_is_woken_once_at_its_due_time_whatever_the_spread(tmp_path_factory, spread):
    """Posts at any mix of minutes over four hours, some sharing instants, some scheduled again later: each
    post is woken exactly once, at its last due time, and jobs are never more than distinct instants."""
    import asyncio

    from bot.store.migrations import apply_all
    from handlers.calendar.migrations import migrations

    async def scenario() -> None:
        store = Store.open(tmp_path_factory.mktemp("window") / "w.db")
        apply_all(store.db, [migrations])
        clock = SimulatedClock(START)
        wakeups, jobs, woken = _stepped(clock)
        await jobs.rebuild(store, _nothing, timedelta(hours=1))
        last: dict[int, datetime] = {}
        ids: dict[int, int] = {}
        for key, minutes in spread:  # as the desk does: the store first, then the wake-up
            due = START + timedelta(minutes=minutes + 1)
            if key not in ids:
                ids[key] = _post(store.db, due, key)
            else:
                store.db.execute("UPDATE calendar_posts SET next_due_at = ? WHERE id = ?", [stamp(due), ids[key]])
            jobs.schedule(ids[key], due)
            last[ids[key]] = due
        assert len(jobs.planned()) <= len(set(last.values()))
        await wakeups.advance_to(START + timedelta(hours=6))
        assert woken.when() == {post_id: [due] for post_id, due in last.items()}
        store.close()

    asyncio.run(scenario())


async def test_the_rebuild_on_apscheduler_adds_one_job_per_instant_and_wakes_it_once(store):
    clock = SystemClock()
    soon = (clock.now() + timedelta(minutes=30)).replace(microsecond=0)
    for index in range(40):  # 40 posts at 4 instants of the coming window, 40 more tomorrow
        _post(store.db, soon + timedelta(minutes=index % 4), index)
        _post(store.db, soon + timedelta(days=1, minutes=index), 40 + index)
    wakeups = SchedulerWakeups()
    wakeups.start()
    woken = []
    scheduler = wakeups._scheduler
    wake = scheduler.wakeup
    scheduler.wakeup = lambda: (woken.append(1), wake())[1]  # type: ignore[method-assign]
    jobs = CalendarJobs(wakeups, clock, timedelta(hours=1))
    jobs.bind(Woken(clock))
    assert await jobs.rebuild(store, _nothing, timedelta(minutes=1)) == 40
    assert jobs.added == 4 + 1 + 1  # the four instants, the horizon, the sweep
    assert {job for job in wakeups.job_ids() if job.startswith("calendar:at:")} == {
        instant_job_id(soon + timedelta(minutes=m)) for m in range(4)}
    assert len(woken) <= 2  # once when it resumes (and once for the sweep job added after), never per job
    assert scheduler.state == STATE_RUNNING
    await wakeups.shutdown()
