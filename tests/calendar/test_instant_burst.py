"""An instant's posts read ahead, claimed in chunks: a stop between two chunks, a fault in one chunk's claim, and
the rows a kill mid-burst leaves `sending`, settled at the next start with one read of the store.

Work is counted, never timed.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from handlers.calendar import bulk
from handlers.calendar import posts as ledger
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import get_post
from schedules.calendar import occurrence
from tests.calendar.conftest import ScriptedPlatform
from tests.calendar.test_trips import DUE, due_posts, ledger_counts, publisher_for


class StopAtFirstSend(ScriptedPlatform):
    """Begins a clean stop of the publisher when the first scheduled post reaches it (and lets it through)."""

    def __init__(self) -> None:
        super().__init__(lookup=False)
        self.publisher = None
        self.stopping: asyncio.Task[None] | None = None

    async def execute(self, action):
        if getattr(action, "idempotency_key", None) and self.stopping is None and self.publisher is not None:
            self.stopping = asyncio.create_task(self.publisher.stop())
            await asyncio.sleep(0)
        return await super().execute(action)


async def read_ahead_then_run(publisher, clock, ids):
    clock.set(DUE - timedelta(seconds=2))
    await publisher.read_ahead(ids, DUE)
    clock.set(DUE)
    await publisher.run_posts(ids)


def assert_each_sent_and_published_once(store, ids, sent, deliveries: int) -> None:
    """Every delivery of `ids` reached the platform once (`sent`: what the platforms received) and is published."""
    keys = [post.idempotency_key for post in sent]
    assert len(keys) == deliveries and len(set(keys)) == deliveries
    assert ledger_counts(store.db) == Counter({"published": deliveries})
    assert {get_post(store.db, post_id).status for post_id in ids} == {Status.PUBLISHED}


async def test_a_clean_stop_between_two_chunks_claims_no_more_and_the_next_start_sends_the_rest_once(store, clock,
                                                                                                     tmp_path):
    ids = due_posts(store.db, 100)
    first = StopAtFirstSend()
    publisher = publisher_for(store, clock, first, tmp_path)
    first.publisher = publisher
    await read_ahead_then_run(publisher, clock, ids)
    assert first.stopping is not None
    await first.stopping
    sent_first = len(first.scheduled_posts())
    assert 1 <= sent_first <= 8  # the first chunk's calls already begun; nothing after the stop
    counts = ledger_counts(store.db)
    assert counts == Counter({"published": sent_first})  # the unsent claims given back: nothing `sending`
    claimed_later = store.db.execute("SELECT COUNT(*) FROM calendar_posts WHERE status = 'scheduled'").fetchone()[0]
    assert claimed_later >= 100 - 8 - 16  # at most the chunk claimed when the stop came was moved on

    clock.advance(timedelta(minutes=2))  # the next start, within the grace period
    second = ScriptedPlatform(lookup=False)
    restarted = publisher_for(store, clock, second, tmp_path)
    await restarted.reconcile()
    await restarted.sweep()
    assert_each_sent_and_published_once(store, ids, first.scheduled_posts() + second.scheduled_posts(), 100)


async def test_a_fault_in_one_chunk_s_claim_takes_its_posts_up_one_by_one_and_the_others_as_chunks(
        store, clock, tmp_path, monkeypatch):
    ids = due_posts(store.db, 60)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    original = occurrence.begin_many
    calls: list[int] = []

    def second_chunk_breaks(db, asks, *args, **kwargs):
        calls.append(len(asks))
        if len(calls) == 2:
            raise RuntimeError("a bug in the second chunk")
        return original(db, asks, *args, **kwargs)

    monkeypatch.setattr(occurrence, "begin_many", second_chunk_breaks)
    await read_ahead_then_run(publisher, clock, ids)
    assert calls[:2] == [8, 16]  # the broken second chunk; then the later chunks (32, 4) and, read afresh and
    assert sorted(calls[2:]) == [4, 16, 32]  # together, the broken chunk's 16 posts
    keys = [post.idempotency_key for post in platform.scheduled_posts()]
    assert len(keys) == 60 and len(set(keys)) == 60
    assert ledger_counts(store.db) == Counter({"published": 60})


async def test_the_rows_a_kill_left_sending_are_read_with_their_posts_in_one_trip(store, clock, tmp_path,
                                                                                  monkeypatch):
    ids = due_posts(store.db, 40)
    now = DUE + timedelta(seconds=1)
    for post_id in ids:  # as a kill mid-burst leaves them: claimed, sent or not, outcome not written
        post = get_post(store.db, post_id)
        ledger.claim_delivery(store.db, post, DUE, post.targets[0], now, late=False)
    one_by_one: Counter[str] = Counter()
    get_post_of, get_posts = ledger.get_post, bulk.get_posts
    monkeypatch.setattr(ledger, "get_post", lambda *a, **k: one_by_one.update(["get_post"]) or get_post_of(*a, **k))
    monkeypatch.setattr(bulk, "get_posts", lambda *a, **k: one_by_one.update(["get_posts"]) or get_posts(*a, **k))
    platform = ScriptedPlatform(lookup=True)
    platform.sent.update({ledger.occurrence_key(post_id, DUE, get_post_of(store.db, post_id).targets[0]): f"m{n}"
                          for n, post_id in enumerate(ids[:25])})  # the first 25 went out before the kill
    clock.set(now + timedelta(minutes=1))
    publisher = publisher_for(store, clock, platform, tmp_path)
    await publisher.reconcile()
    assert one_by_one == Counter({"get_posts": 1})  # one read for the 40 rows and their posts
    assert len(platform.scheduled_posts()) == 15  # the 15 not found are sent (within the grace period), once
    assert ledger_counts(store.db) == Counter({"published": 40})


async def test_plain_posts_of_an_instant_are_sent_by_a_few_workers_not_a_task_each(store, clock, tmp_path):
    ids = due_posts(store.db, 300)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    clock.set(DUE - timedelta(seconds=2))
    await publisher.read_ahead(ids, DUE)
    clock.set(DUE)
    loop = asyncio.get_running_loop()
    tasks: Counter[str] = Counter()
    factory = loop.get_task_factory()

    def counting(loop, coro, **kwargs):
        tasks[getattr(coro, "__qualname__", "?")] += 1
        return asyncio.Task(coro, loop=loop, **kwargs) if factory is None else factory(loop, coro, **kwargs)

    loop.set_task_factory(counting)
    try:
        await publisher.run_posts(ids)
    finally:
        loop.set_task_factory(factory)
    assert len(platform.scheduled_posts()) == 300 and ledger_counts(store.db) == Counter({"published": 300})
    assert tasks["Instants._send_plain"] == 6 * 8  # six chunks, at most 8 workers each (one platform)
    assert sum(tasks.values()) < 300 // 4  # no task per post: the workers, the store trips, nothing per post


async def test_a_post_of_an_instant_that_fails_tells_its_author_and_the_others_go_out(store, clock, tmp_path):
    from bot.actions import ActionResult

    ids = due_posts(store.db, 20)
    platform = ScriptedPlatform()
    platform.post_results = [ActionResult.done("ok")] * 4 + [ActionResult.failed("Missing Access", permanent=True)]
    publisher = publisher_for(store, clock, platform, tmp_path)
    await read_ahead_then_run(publisher, clock, ids)
    assert ledger_counts(store.db) == Counter({"published": 19, "failed": 1})
    assert get_post(store.db, ids[4]).status is Status.FAILED
    assert {get_post(store.db, post_id).status for post_id in ids if post_id != ids[4]} == {Status.PUBLISHED}
    told = [action for action in platform.actions if not getattr(action, "idempotency_key", None)]
    assert len(told) == 1 and "Missing Access" in str(told[0])  # its author, told why, once


async def test_posts_of_an_instant_with_two_targets_go_out_on_both_once(store, clock, tmp_path):
    ids = due_posts(store.db, 40, targets=2)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    await read_ahead_then_run(publisher, clock, ids)
    assert_each_sent_and_published_once(store, ids, platform.scheduled_posts(), 80)


async def test_a_plain_post_whose_call_fails_for_now_is_retried_within_its_deadline_and_published_once(
        store, clock, tmp_path):
    from bot.actions import ActionResult

    ids = due_posts(store.db, 20)
    platform = ScriptedPlatform()
    platform.post_results = [ActionResult.done("ok")] * 3 + [ActionResult.failed("503", permanent=False)]
    publisher = publisher_for(store, clock, platform, tmp_path)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    publisher.sender.sleep = no_wait
    await read_ahead_then_run(publisher, clock, ids)
    keys = [post.idempotency_key for post in platform.scheduled_posts()]
    assert len(keys) == 21 and len(set(keys)) == 20  # the fourth post called twice with its one key
    assert len(waits) == 1  # one backoff before the retry
    assert ledger_counts(store.db) == Counter({"published": 20})
    attempts = store.db.execute("SELECT attempts FROM calendar_deliveries WHERE post_id = ?", [ids[3]]).fetchone()[0]
    assert attempts == 2
    assert not platform.staff_posts()  # nobody told of a failure that was not one in the end


async def test_the_sweep_waits_for_an_instant_s_run_and_finds_its_posts_done(store, clock, tmp_path):
    ids = due_posts(store.db, 50)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    clock.set(DUE - timedelta(seconds=2))
    await publisher.read_ahead(ids, DUE)
    clock.set(DUE)
    run = asyncio.create_task(publisher.run_posts(ids))
    await asyncio.sleep(0)  # the run holds its posts
    await asyncio.gather(run, publisher.sweep())  # the sweep, woken at the same instant, takes the same posts up
    assert_each_sent_and_published_once(store, ids, platform.scheduled_posts(), 50)


async def test_an_instant_s_run_takes_no_lock_per_post_and_each_worker_takes_one_slot(store, clock, tmp_path):
    import sys

    ids = due_posts(store.db, 300)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    clock.set(DUE - timedelta(seconds=2))
    await publisher.read_ahead(ids, DUE)
    clock.set(DUE)
    calls: Counter[str] = Counter()

    def count(frame, event, _arg):
        if event == "call" and frame.f_code.co_filename.endswith(("asyncio/locks.py", "bot/deadline.py")):
            calls[f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_code.co_qualname}"] += 1

    trips_before = publisher.trips.trips
    previous = sys.getprofile()
    sys.setprofile(count)  # this thread only: the event loop's
    try:
        await publisher.run_posts(ids)
    finally:
        sys.setprofile(previous)
    assert len(platform.scheduled_posts()) == 300 and ledger_counts(store.db) == Counter({"published": 300})
    assert calls["locks.py:Lock.__init__"] == 0  # no lock per post: one mark each, one event for the run
    trips = publisher.trips.trips - trips_before  # each takes the store's own queue slot
    assert calls["locks.py:Semaphore.acquire"] == 6 * 8 + trips  # one platform slot per worker, for its posts
    assert 6 <= calls["deadline.py:within"] <= 6 * 8  # at most once per worker (one community), not per post


async def test_a_fault_in_the_shared_write_of_plain_outcomes_writes_each_on_its_own(store, clock, tmp_path,
                                                                                     monkeypatch):
    ids = due_posts(store.db, 30)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    original = occurrence.record_many
    sizes: list[int] = []

    def shared_write_breaks(db, records, *args, **kwargs):
        sizes.append(len(records))
        if len(records) > 1 and any(record.post.id == ids[5] for record in records):
            raise RuntimeError("a bug met by one post of the shared write")
        return original(db, records, *args, **kwargs)

    monkeypatch.setattr(occurrence, "record_many", shared_write_breaks)
    await read_ahead_then_run(publisher, clock, ids)
    assert sizes[0] == 30  # one write for the thirty outcomes, then each on its own
    assert_each_sent_and_published_once(store, ids, platform.scheduled_posts(), 30)  # nothing sent again
