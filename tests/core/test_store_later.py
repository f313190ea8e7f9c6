"""Writes nobody waits for (`Store.later`): they cross to the store's thread with the next trip, before its own
work, so a read sees them; a trip of their own carries them when none comes; closing writes the rest. Counted
in thread crossings, never timed."""

from __future__ import annotations

import asyncio
import logging

import pytest

import bot.store.database as database
from bot.store import Store


@pytest.fixture
def counted(tmp_path):
    """A store on a real file, and the list of its thread crossings (one per piece of work submitted)."""
    store = Store.open(tmp_path / "later.db")
    store.db.execute("CREATE TABLE marks (n INTEGER)")
    crossings: list[object] = []
    submit = store._worker.submit

    def crossing(work):
        crossings.append(work)
        return submit(work)

    store._worker.submit = crossing  # type: ignore[method-assign]
    yield store, crossings
    store.close()


def mark(n: int):
    def write(db) -> None:
        with db.atomic():
            db.execute("INSERT INTO marks VALUES (?)", [n])

    return write


async def test_queued_writes_ride_on_the_next_trip_before_its_own_work(counted):
    store, crossings = counted
    for n in range(50):
        store.later(mark(n))
    assert crossings == [] and store.waiting_later == 50

    seen = await store.run(lambda db: [r[0] for r in db.execute("SELECT n FROM marks ORDER BY rowid")])

    assert seen == list(range(50))  # written, in order, before the read that came after them
    assert len(crossings) == 1 and store.waiting_later == 0


async def test_with_no_other_trip_a_trip_of_their_own_carries_them(counted, monkeypatch):
    store, crossings = counted
    monkeypatch.setattr(database, "LATER_SECONDS", 0.0)
    store.later(mark(1))
    store.later(mark(2))
    for _ in range(1000):  # bounded: the carrier is due at once
        if store.waiting_later == 0 and crossings:
            break
        await asyncio.sleep(0)
    await store.run(lambda db: None)  # the carrier's trip has come back too
    assert store.db.execute("SELECT count(*) FROM marks").fetchone() == (2,)
    assert len(crossings) == 2  # one carrier for both writes, then the read above


async def test_closing_writes_what_no_trip_carried(tmp_path):
    store = Store.open(tmp_path / "later.db")
    store.db.execute("CREATE TABLE marks (n INTEGER)")
    store.later(mark(7))
    store.close()

    reopened = Store.open(tmp_path / "later.db")
    assert reopened.db.execute("SELECT n FROM marks").fetchall() == [(7,)]
    reopened.close()


async def test_a_failing_queued_write_loses_itself_alone_and_says_so(counted, caplog):
    store, _ = counted

    def broken(db) -> None:
        with db.atomic():
            db.execute("INSERT INTO no_such_table VALUES (1)")

    store.later(mark(1))
    store.later(broken)
    store.later(mark(2))
    with caplog.at_level(logging.ERROR):
        assert await store.run(lambda db: db.execute("SELECT count(*) FROM marks").fetchone()[0]) == 2
    assert "a queued store write failed" in caplog.text
    assert store.waiting_later == 0 and not store.db.conn.in_transaction


def test_without_a_running_loop_the_write_is_done_at_once(tmp_path):
    store = Store.open(tmp_path / "later.db")
    store.db.execute("CREATE TABLE marks (n INTEGER)")
    store.later(mark(3))
    assert store.waiting_later == 0
    assert store.db.execute("SELECT n FROM marks").fetchall() == [(3,)]
    store.close()
