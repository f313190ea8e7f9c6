"""The gap between "this event was seen" and the handlers' writes: a failure there never drops the event.

The handlers' writes are separate transactions from the seen mark, so the mark is two-phase
(`bot.seen_events.claim` / `finish` / `release`): an event counts as seen only once every handler ran. These
tests drive the real middleware on a real SQLite file, with a handler whose write goes through the store.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.events import Member, MemberJoined, PlatformName
from bot.middleware import DeduplicateEvents
from bot.store import Store
from bot.store.database import StoreUnavailable
from bot.store.migrations import apply_all
from config.loader import parse_settings
from tests.reliability.conftest import Locker

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
JOIN = MemberJoined(platform=PlatformName.SLACK, space_id="T1", event_id="EvJOIN1", at=AT,
                    member=Member("UADA", "Ada"))
COMMUNITY = parse_settings("""
[[communities]]
id = "acme"
name = "Acme"
locale = "en"

[communities.slack]
space_id = "T1"
""", "cmbot.toml").communities[0]


def opened(tmp_path, **options) -> Store:
    store = Store.open(tmp_path / "bot.db", **options)
    apply_all(store.db, [])
    store.db.execute("CREATE TABLE IF NOT EXISTS welcomed (member_id TEXT)")
    return store


def welcome(store: Store, before_write=lambda: None):
    """A handler with a durable write: what a welcome does to its ledger."""

    async def handler() -> None:
        before_write()
        await store.run(lambda db: db.execute("INSERT INTO welcomed VALUES ('UADA')") and db.conn.commit())

    return handler


def seen_rows(store: Store) -> list[tuple]:
    return store.db.execute("SELECT event_id, handled FROM seen_events").fetchall()


async def test_a_store_that_fails_after_the_mark_leaves_the_event_to_be_handled_when_it_comes_again(tmp_path):
    store = opened(tmp_path, patience=0.3, busy_timeout_ms=100)
    lockers: list[Locker] = []
    handler = welcome(store, before_write=lambda: lockers.append(Locker(tmp_path / "bot.db")))
    try:
        with pytest.raises(StoreUnavailable):  # the platform does not acknowledge: Slack delivers it again
            await DeduplicateEvents(store)(JOIN, COMMUNITY, handler)
    finally:
        for locker in lockers:
            locker.release()
    store.close()

    restarted = opened(tmp_path)  # the bot stopped with exit status 5; it starts again and Slack retries
    assert seen_rows(restarted) == [("EvJOIN1", 0)]  # marked, but not as handled
    again = DeduplicateEvents(restarted)
    await again(JOIN, COMMUNITY, welcome(restarted))
    await again(JOIN, COMMUNITY, welcome(restarted))  # a later retry is a replay
    await DeduplicateEvents(restarted)(JOIN, COMMUNITY, welcome(restarted))  # after another restart too

    assert restarted.db.execute("SELECT count(*) FROM welcomed").fetchone() == (1,)  # once: none lost or doubled
    assert seen_rows(restarted) == [("EvJOIN1", 1)]
    restarted.close()


async def test_a_failed_handling_releases_its_mark(tmp_path):
    store = opened(tmp_path)
    dedupe = DeduplicateEvents(store)

    async def failing() -> None:
        raise OSError("the platform call under the handler failed")

    with pytest.raises(OSError):
        await dedupe(JOIN, COMMUNITY, failing)
    assert seen_rows(store) == []  # released: the next delivery is not taken for a replay
    await dedupe(JOIN, COMMUNITY, welcome(store))

    assert store.db.execute("SELECT count(*) FROM welcomed").fetchone() == (1,)
    await store.run(lambda db: None)  # the finish rides on the store's next trip
    assert seen_rows(store) == [("EvJOIN1", 1)]
    store.close()


async def test_a_delivery_during_the_handling_of_the_same_event_shares_its_outcome(tmp_path):
    store = opened(tmp_path)
    dedupe = DeduplicateEvents(store)
    started, fail = asyncio.Event(), asyncio.Event()

    async def slow_then_failing() -> None:
        started.set()
        await fail.wait()
        raise StoreUnavailable("the database cannot be used: the disk is full")

    first = asyncio.ensure_future(dedupe(JOIN, COMMUNITY, slow_then_failing))
    await started.wait()
    second = asyncio.ensure_future(dedupe(JOIN, COMMUNITY, welcome(store)))
    await asyncio.sleep(0)  # let the second delivery reach the middleware and wait on the first
    fail.set()
    results = await asyncio.gather(first, second, return_exceptions=True)

    assert [type(r) for r in results] == [StoreUnavailable, StoreUnavailable]  # neither is acknowledged
    assert store.db.execute("SELECT count(*) FROM welcomed").fetchone() == (0,)  # the second did not run
    await dedupe(JOIN, COMMUNITY, welcome(store))  # Slack's retry
    assert store.db.execute("SELECT count(*) FROM welcomed").fetchone() == (1,)
    store.close()


async def test_an_event_whose_handling_a_kill_interrupted_is_handled_on_its_next_delivery(tmp_path, caplog):
    store = opened(tmp_path)
    store.db.execute("INSERT INTO seen_events (platform, event_id, seen_at, handled) VALUES"
                     " ('slack', 'EvJOIN1', '2026-11-23T09:00:00+00:00', 0)")  # what a SIGKILL mid-handler leaves
    store.db.conn.commit()

    with caplog.at_level("INFO"):
        await DeduplicateEvents(store)(JOIN, COMMUNITY, welcome(store))

    assert store.db.execute("SELECT count(*) FROM welcomed").fetchone() == (1,)
    await store.run(lambda db: None)  # the finish rides on the store's next trip
    assert seen_rows(store) == [("EvJOIN1", 1)]
    assert "its handling was interrupted" in caplog.text
    store.close()
