"""Flags raised together share one store trip and one commit, and none is announced before it is committed.

Work is counted (trips, commits), never timed. The cards' check reads the database file through a connection of
its own, which sees only committed transactions: what a restart would find."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest

from bot.actions import Post
from bot.events import ChannelRef, Member, MessagePosted, PlatformName
from bot.store import Store
from bot.wiring import migrate
from handlers.moderation.flag_writes import FlagWrites
from handlers.moderation.flags import FlagDraft, RuleHit
from tests.moderation.conftest import T0

FLAGS = 20


def draft(index: int, community: str = "demo") -> FlagDraft:
    return FlagDraft(community, "console", "console", "general", f"m{index}", f"member{index}", "high",
                     (RuleHit("terms", "high", False, "insults"),), f"text {index}", "console://general/m",
                     datetime(2026, 11, 23, 9, index % 60, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path):
    from bot.features.moderation import feature

    opened = Store.open(tmp_path / "flags.db")
    migrate(opened, [feature])
    yield opened
    opened.close()


def commits_of(store: Store) -> list[str]:
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    return statements


def committed(statements: list[str]) -> int:
    return len([s for s in statements if s.strip().upper().startswith(("COMMIT", "RELEASE"))])


async def test_flags_raised_together_are_one_trip_and_one_commit(store):
    cards_taken: list[tuple] = []
    writes = FlagWrites(store, lambda: (cards_taken.append(()), ())[1], lambda cards: None)
    statements = commits_of(store)
    raised = await asyncio.gather(*(writes.raise_flag(draft(i)) for i in range(FLAGS)))
    store.db.conn.set_trace_callback(None)
    assert writes.trips == 1 and len(cards_taken) == 1 and committed(statements) == 1
    assert [r.flag["message_id"] for r in raised] == [f"m{i}" for i in range(FLAGS)]  # each caller its own rows
    assert all(r.created for r in raised)
    stored = store.db.execute("SELECT id, message_id FROM moderation_flags ORDER BY id").fetchall()
    assert [(r.flag["id"], r.flag["message_id"]) for r in raised] == stored


async def test_a_flag_alone_is_a_trip_of_its_own(store):
    writes = FlagWrites(store, lambda: (), lambda cards: None)
    statements = commits_of(store)
    for index in range(5):
        await writes.raise_flag(draft(index))
    store.db.conn.set_trace_callback(None)
    assert writes.trips == 5 and committed(statements) == 5


async def test_flags_that_come_during_a_trip_take_the_next(store):
    writes = FlagWrites(store, lambda: (), lambda cards: None)
    first = asyncio.ensure_future(writes.raise_flag(draft(0)))
    await asyncio.sleep(0)  # the trip is asked for, at the loop's next turn
    await asyncio.sleep(0)  # and under way: the store's thread has the first flag
    later = await asyncio.gather(*(writes.raise_flag(draft(i)) for i in range(1, 4)))
    assert (await first).created and all(r.created for r in later)
    assert store.db.execute("SELECT count(*) FROM moderation_flags").fetchone()[0] == 4
    assert 1 <= writes.trips <= 2 + 1


async def test_a_failed_batch_fails_every_flag_of_it_and_keeps_the_card_references(store):
    given_back: list[tuple] = []
    refs = ((1, "modq", "r1"),)
    writes = FlagWrites(store, lambda: refs, given_back.append)
    bad = FlagDraft(None, "console", "console", "general", "m9", "member9", "high",  # type: ignore[arg-type]
                    (RuleHit("terms", "high", False),), "x", "l", datetime(2026, 11, 23, tzinfo=UTC))
    results = await asyncio.gather(writes.raise_flag(draft(1)), writes.raise_flag(bad), return_exceptions=True)
    assert all(isinstance(result, sqlite3.IntegrityError) for result in results)
    assert store.db.execute("SELECT count(*) FROM moderation_flags").fetchone()[0] == 0  # neither was written
    assert given_back == [refs]
    assert (await writes.raise_flag(draft(2))).created  # the next flag gets a trip of its own


async def test_a_burst_of_flags_is_committed_before_any_of_its_cards_is_posted(make_bot, tmp_path):
    """Twenty offensive messages at once (a raid): fewer commits than flags, and each card posted only once its
    flag is in the file, as a restart would find it."""
    bot = await make_bot()
    reader = sqlite3.connect(tmp_path / "bot0" / "cmbot.db")
    seen_at_post: list[tuple[str, bool]] = []
    execute = bot.platform.execute

    async def checking(action):
        if isinstance(action, Post) and action.channel_id == "modq":
            number = action.content.title.plain().split("#")[-1].split()[0].replace(",", "")
            row = reader.execute("SELECT 1 FROM moderation_flags WHERE id = ?", [int(number)]).fetchone()
            seen_at_post.append((number, row is not None))
        return await execute(action)

    bot.platform.execute = checking  # type: ignore[method-assign]
    statements = commits_of(bot.store)
    events = [MessagePosted(platform=PlatformName.CONSOLE, space_id="console", event_id=f"raid{i}", at=T0,
                            channel=ChannelRef("general", "general"), member=Member(f"raider{i}", f"Raider {i}"),
                            message_id=f"raid-m{i}", text="fuck you") for i in range(FLAGS)]
    await asyncio.gather(*(bot.app.services.dispatcher.dispatch(event) for event in events))
    bot.store.db.conn.set_trace_callback(None)
    reader.close()
    assert len(bot.flags()) == FLAGS
    assert len(seen_at_post) == FLAGS and all(found for _, found in seen_at_post), seen_at_post
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO MODERATION_FLAGS ")]
    assert len(inserts) == FLAGS
    assert _queue(bot).writes.trips < FLAGS  # flags that arrived together shared their trips


def _queue(bot):
    from handlers.moderation.queue import Queue

    for handlers in bot.app.services.dispatcher._handlers.values():
        for handler in handlers:
            owner = getattr(handler, "__self__", None)
            if isinstance(owner, Queue):
                return owner
    raise LookupError("no queue")


async def test_the_others_are_written_when_the_caller_leading_the_trips_is_cancelled(store):
    writes = FlagWrites(store, lambda: (), lambda cards: None)
    leader = asyncio.ensure_future(writes.raise_flag(draft(0)))
    others = [asyncio.ensure_future(writes.raise_flag(draft(i))) for i in range(1, 4)]
    await asyncio.sleep(0)  # every caller has added its flag; the first leads
    leader.cancel()
    rows = await asyncio.gather(*others)
    assert [r.flag["message_id"] for r in rows] == ["m1", "m2", "m3"]
    with pytest.raises(asyncio.CancelledError):
        await leader
