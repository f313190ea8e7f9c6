"""Posts due together share their store trips; a post alone makes one trip per step; sends are bounded.

Work is counted, never timed: every `Store.run` call is one round trip to the store's thread. APScheduler wakes
the jobs due in the same second as concurrent tasks; the tests wake them the same way (`asyncio.gather`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import Action, ActionResult, Post
from bot.dispatcher import CommunityDirectory
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from handlers.calendar.bulk import Claim, claim_many, deliveries_sql
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, PostDraft, Target, create_post, get_delivery, get_post
from schedules.calendar import occurrence
from schedules.calendar.delivery import Publisher
from schedules.calendar.notices import Notices
from schedules.calendar.sending import SENDS_PER_PLATFORM
from schedules.calendar.trips import Trips
from tests.calendar.conftest import START, ScriptedPlatform, make_settings

DUE = START + timedelta(minutes=1)


class CountedStore:
    """Counts the round trips a store makes (wraps `run`, the only way work reaches the store's thread)."""

    def __init__(self, store: Store) -> None:
        self.trips = 0
        original = store.run

        async def run(fn):
            self.trips += 1
            return await original(fn)

        store.run = run  # type: ignore[method-assign]


def publisher_for(store: Store, clock, platform, tmp_path) -> Publisher:
    outbox = Outbox({platform.name: platform})
    directory = CommunityDirectory(make_settings(tmp_path))
    publisher = Publisher(store, clock, outbox, Notices(outbox, Catalogue.shipped()), directory,
                          lambda post_id, due: None)
    publisher.started_at = clock.now()
    return publisher


def due_posts(db, count: int, targets: int = 1, *, spread: bool = False) -> list[int]:
    ids = []
    for index in range(count):
        draft = PostDraft(community="demo", author=Actor("console", "sam"), body=f"Post {index}",
                          targets=tuple(Target("console", f"c{n}") for n in range(targets)), timezone="Europe/Paris",
                          publish_at=DUE - (timedelta(seconds=count - index) if spread else timedelta()), utm=False)
        ids.append(create_post(db, draft, Status.SCHEDULED, START))
    return ids


def ledger_counts(db) -> Counter[str]:
    return Counter(row[0] for row in db.execute("SELECT status FROM calendar_deliveries").fetchall())


async def test_posts_due_in_the_same_second_share_their_store_trips(store, clock, tmp_path):
    posts = 600
    ids = due_posts(store.db, posts)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    counted = CountedStore(store)
    clock.set(DUE)
    await asyncio.gather(*(publisher.run_post(post_id) for post_id in ids))  # as APScheduler wakes them
    keys = [post.idempotency_key for post in platform.scheduled_posts()]
    assert len(keys) == posts and len(set(keys)) == posts
    assert ledger_counts(store.db) == Counter({"published": posts})
    assert {get_post(store.db, post_id).status for post_id in ids} == {Status.PUBLISHED}
    # two steps, each one piece of set-based statements for all the posts: begin with the claim; the record with
    # the advance
    assert counted.trips == 2
    assert publisher.trips.pieces == 2


async def test_a_post_alone_takes_one_trip_to_begin_and_one_per_target(store, clock, tmp_path):
    [post_id] = due_posts(store.db, 1, targets=3)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    counted = CountedStore(store)
    clock.set(DUE)
    await publisher.run_post(post_id)
    # begin + claim the 1st target; record the 1st + claim the 2nd; record the 2nd + claim the 3rd; record + advance
    assert counted.trips == 4
    assert [post.channel_id for post in platform.scheduled_posts()] == ["c0", "c1", "c2"]
    assert ledger_counts(store.db) == Counter({"published": 3})
    assert get_post(store.db, post_id).status is Status.PUBLISHED


async def test_the_catch_up_sends_in_due_order_and_shares_trips(store, clock, tmp_path):
    ids = due_posts(store.db, 50, spread=True)  # each a second after the one before
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    counted = CountedStore(store)
    clock.set(DUE)
    await publisher.sweep()
    sent = [post.idempotency_key for post in platform.scheduled_posts()]
    assert sent == sorted(sent, key=lambda key: int(key.split("-")[1]))
    assert [int(key.split("-")[1]) for key in sent] == ids
    assert counted.trips == 1 + 2  # the due posts' ids, then the two shared steps


class SlowPlatform(ScriptedPlatform):
    """Holds every scheduled post until `gate` opens; notes the most calls it ever had in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.in_flight = 0
        self.most = 0
        self.waiting = asyncio.Event()

    async def execute(self, action: Action) -> ActionResult:
        if isinstance(action, Post) and action.idempotency_key:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if self.in_flight == SENDS_PER_PLATFORM:
                self.waiting.set()
            await self.gate.wait()
            self.in_flight -= 1
        return await super().execute(action)


async def test_sends_on_one_platform_are_bounded_and_each_post_goes_out_once(store, clock, tmp_path):
    ids = due_posts(store.db, 3 * SENDS_PER_PLATFORM)
    platform = SlowPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    clock.set(DUE)
    jobs = asyncio.gather(*(publisher.run_post(post_id) for post_id in ids))
    await platform.waiting.wait()
    for _ in range(5):  # let anything that could start a further call do so
        await asyncio.sleep(0)
    assert platform.in_flight == SENDS_PER_PLATFORM
    platform.gate.set()
    await jobs
    assert platform.most == SENDS_PER_PLATFORM
    assert ledger_counts(store.db) == Counter({"published": len(ids)})


def test_the_ledger_rows_of_many_occurrences_are_found_through_the_index(db):
    plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + deliveries_sql(3), [1, "a"] * 3))
    assert "USING INDEX idx_calendar_deliveries_post_id_due_at (post_id=? AND due_at=?)" in plan
    assert "SCAN d" not in plan and "SCAN calendar_deliveries" not in plan


async def test_a_fault_in_one_post_of_a_batch_fails_that_post_alone(store, clock, tmp_path, monkeypatch):
    ids = due_posts(store.db, 20)
    faulty = ids[7]
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    original = occurrence.next_occurrence

    def broken(post, after):
        if post.id == faulty:
            raise RuntimeError("a bug in one post")
        return original(post, after)

    monkeypatch.setattr(occurrence, "next_occurrence", broken)
    clock.set(DUE)
    outcomes = await asyncio.gather(*(publisher.run_post(post_id) for post_id in ids), return_exceptions=True)
    assert [isinstance(o, RuntimeError) for o in outcomes] == [post_id == faulty for post_id in ids]
    assert {get_post(store.db, post_id).status for post_id in ids if post_id != faulty} == {Status.PUBLISHED}
    assert get_post(store.db, faulty).status is Status.SENDING  # left for the next start's sweep, as before
    assert ledger_counts(store.db) == Counter({"published": 20})  # its send's outcome is kept all the same
    assert len(platform.scheduled_posts()) == 20


def test_a_claim_made_together_is_the_row_a_read_gives_back_and_a_taken_key_is_never_claimed(db):
    ids = due_posts(db, 3, targets=2)
    posts = [get_post(db, post_id) for post_id in ids]
    claims = [Claim(post, DUE, post.targets[0], late=True) for post in posts]
    first = claim_many(db, claims[:2], START)
    assert [delivery == get_delivery(db, delivery.id) for delivery in first] == [True, True]
    again = claim_many(db, claims, START)  # the first two keys are taken: only the third is claimed
    assert again[:2] == [None, None] and again[2] == get_delivery(db, again[2].id)
    assert again[2].late and again[2].status == "sending" and again[2].attempts == 0


# -- the coalescer itself --------------------------------------------------------------------------------------
def _write(value: int, fail: bool):
    def piece(db):
        db.execute("INSERT INTO numbers (value) VALUES (?)", [value])
        if fail:
            raise ValueError(value)
        return value

    return piece


@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=40), st.integers(min_value=1, max_value=7))
def test_a_failing_piece_is_rolled_back_alone_and_its_caller_gets_the_error(tmp_path_factory, fails, max_pieces):
    async def scenario() -> None:
        store = Store.open(tmp_path_factory.mktemp("trips") / "t.db")
        store.db.execute("CREATE TABLE numbers (value INTEGER)")
        trips = Trips(store, max_pieces=max_pieces)
        answers = await asyncio.gather(*(trips.run(_write(i, fail)) for i, fail in enumerate(fails)),
                                       return_exceptions=True)
        written = sorted(row[0] for row in store.db.execute("SELECT value FROM numbers").fetchall())
        store.close()
        assert written == [i for i, fail in enumerate(fails) if not fail]  # the same as one trip per piece
        for i, (fail, answer) in enumerate(zip(fails, answers, strict=True)):
            assert (isinstance(answer, ValueError) and answer.args == (i,)) if fail else answer == i
        assert trips.trips == -(-len(fails) // max_pieces)  # ceil: as few trips as the bound allows
        assert trips.pieces == len(fails)

    asyncio.run(scenario())


async def test_a_store_error_fails_every_piece_of_the_trip_and_writes_none(tmp_path):
    store = Store.open(tmp_path / "t.db", patience=0)
    store.db.execute("CREATE TABLE numbers (value INTEGER)")
    trips = Trips(store)

    def full(db):
        raise sqlite3.OperationalError("database or disk is full")

    answers = await asyncio.gather(trips.run(_write(1, False)), trips.run(full), trips.run(_write(2, False)),
                                   return_exceptions=True)
    assert all(isinstance(answer, Exception) and "disk is full" in str(answer) for answer in answers)
    assert store.db.execute("SELECT COUNT(*) FROM numbers").fetchone()[0] == 0
    store.close()


def test_the_ledger_s_queries_by_message_use_the_index_that_holds_only_rows_with_a_message(db):
    """A claim inserts a row with no message: it adds no entry to that index, yet both look-ups still use it."""
    for sql, params in [
        ("SELECT post_id FROM calendar_deliveries WHERE platform = ? AND channel_id = ? AND message_id = ?"
         " AND status = 'published'", ["console", "news", "m1"]),
        ("SELECT message_id FROM calendar_deliveries WHERE platform = ? AND channel_id = ?"
         " AND message_id IS NOT NULL AND coalesce(finished_at, '') >= ?", ["console", "news", "2026"]),
    ]:
        plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "USING INDEX idx_calendar_deliveries_platform_channel_id_message_id" in plan, plan
    [post_id] = due_posts(db, 1)
    post = get_post(db, post_id)
    claim_many(db, [Claim(post, DUE, post.targets[0], late=False)], START)
    entries = db.execute("SELECT COUNT(*) FROM calendar_deliveries INDEXED BY"
                         " idx_calendar_deliveries_platform_channel_id_message_id WHERE message_id IS NOT NULL"
                         ).fetchone()[0]
    assert entries == 0  # the claimed row has no message yet: nothing in the index
