"""Flags raised together share one store trip and one commit, none is announced before it is committed, and a
flagged message does not wait for its flag's write.

Work is counted (trips, commits), never timed. The cards' check reads the database file through a connection of
its own, which sees only committed transactions: what a restart would find. The message's way is shown not to
wait by holding the store's thread: the message is handled while no write can happen."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime

import pytest

from bot.actions import Post
from bot.events import ChannelRef, Member, MessagePosted, PlatformName
from bot.store import Store
from bot.wiring import migrate
from handlers.moderation.flag_writes import FlagWrites
from handlers.moderation.flags import FlagDraft, RuleHit
from tests.moderation.conftest import T0, Bot
from tests.patience import PATIENCE

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
    await asyncio.gather(*(bot.app.services.dispatcher.dispatch(event) for event in raid()))
    await bot.app.services.dispatcher.settle()
    bot.store.db.conn.set_trace_callback(None)
    reader.close()
    assert len(bot.flags()) == FLAGS
    assert len(seen_at_post) == FLAGS and all(found for _, found in seen_at_post), seen_at_post
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO MODERATION_FLAGS ")]
    assert len(inserts) == FLAGS
    assert _queue(bot).writes.trips < FLAGS  # flags that arrived together shared their trips


def raid(count: int = FLAGS, text: str = "fuck you") -> list[MessagePosted]:
    return [MessagePosted(platform=PlatformName.CONSOLE, space_id="console", event_id=f"raid{i}", at=T0,
                          channel=ChannelRef("general", "general"), member=Member(f"raider{i}", f"Raider {i}"),
                          message_id=f"raid-m{i}", text=text) for i in range(count)]


class HeldStore:
    """Holds the store's thread in a piece of work of its own until `release`: nothing can be written meanwhile."""

    def __init__(self, bot: Bot) -> None:
        self.inside, self.gate = threading.Event(), threading.Event()
        self.trip = asyncio.ensure_future(bot.store.run(lambda db: (self.inside.set(), self.gate.wait(PATIENCE))))

    async def hold(self) -> None:
        assert await asyncio.to_thread(self.inside.wait, PATIENCE), "the store's thread never took the work"

    async def release(self) -> None:
        self.gate.set()
        await self.trip


async def test_a_flagged_message_is_handled_while_the_store_cannot_write(make_bot, tmp_path):
    """The message's way never waits for the flag's write: with the store's thread held, the offensive message is
    handled to its end (the handlers after moderation see it) and nothing is posted; once the store is free,
    the flag is committed, then its card is posted."""
    bot = await make_bot(moderation='actions = { low = "delete", medium = "delete", high = "delete" }')
    seen_after: list[str] = []

    async def after_moderation(event, community):
        seen_after.append(event.message_id)
        return []

    bot.app.services.dispatcher.subscribe(MessagePosted, after_moderation)
    reader = sqlite3.connect(tmp_path / "bot0" / "cmbot.db")
    held = HeldStore(bot)
    await held.hold()
    [insult, hello] = raid(2)
    hello = MessagePosted(platform=PlatformName.CONSOLE, space_id="console", event_id="calm", at=T0,
                          channel=ChannelRef("general", "general"), member=Member("calm", "Calm"),
                          message_id="calm-m", text="hello there")
    await asyncio.wait_for(bot.app.services.dispatcher.dispatch(insult), PATIENCE)  # a bound, not a measure
    await asyncio.wait_for(bot.app.services.dispatcher.dispatch(hello), PATIENCE)
    assert bot.platform.actions == [] and bot.app.services.dispatcher.pending_later == 1
    assert seen_after == ["calm-m"]  # the insult, to be deleted, stops before the later handlers
    assert reader.execute("SELECT count(*) FROM moderation_flags").fetchone() == (0,)
    await held.release()
    await bot.app.services.dispatcher.settle()
    assert reader.execute("SELECT message_id, auto_action FROM moderation_flags").fetchall() == [
        ("raid-m0", "delete")]
    reader.close()
    kinds = [type(action).__name__ for action in bot.platform.actions]
    assert kinds == ["DeleteMessage", "Post"], kinds  # the automatic action, then the card, both after the commit


async def test_the_stop_writes_every_pending_flag_and_posts_its_card(tmp_path):
    """Flags still waiting for their write when the bot stops are written, and their cards posted, before the
    store closes: a restart finds every flag with its card's reference."""
    bot = await Bot(tmp_path).start()
    held = HeldStore(bot)
    await held.hold()
    for event in raid():
        await bot.app.services.dispatcher.dispatch(event)
    assert bot.app.services.dispatcher.pending_later == FLAGS and bot.platform.actions == []
    stopping = asyncio.ensure_future(bot.stop())
    await held.release()
    await stopping
    cards = [action for action in bot.platform.of_type(Post) if action.content.title is not None]
    assert len(cards) == FLAGS  # (and a spike alert beside them)
    from bot.store import Store

    store = Store.open(tmp_path / "cmbot.db")
    rows = store.db.execute("SELECT message_id, card_message_id FROM moderation_flags ORDER BY id").fetchall()
    store.close()
    assert sorted(message for message, _ in rows) == sorted(f"raid-m{i}" for i in range(FLAGS))
    assert all(card is not None for _, card in rows), rows


async def test_flags_that_waited_for_the_store_are_one_trip(make_bot):
    """Twenty flags raised while the store was busy are written together when it is free: one trip."""
    bot = await make_bot()
    held = HeldStore(bot)
    await held.hold()
    for event in raid():
        await bot.app.services.dispatcher.dispatch(event)
    await held.release()
    await bot.app.services.dispatcher.settle()
    assert _queue(bot).writes.trips == 1 and len(bot.flags()) == FLAGS


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


def two_hits(index: int) -> FlagDraft:
    return FlagDraft("demo", "console", "console", "general", f"m{index}", f"member{index}", "medium",
                     (RuleHit("terms", "medium", False, "insults"), RuleHit("classifier", "medium", True,
                                                                          "abuse model 0.97")),
                     f"text {index}", "console://general/m", datetime(2026, 11, 23, 9, index % 60, tzinfo=UTC))


async def test_a_flag_is_one_statement_per_table_in_its_transaction(store):
    """A flag's trip, counted with the connection's trace: the card reference learnt since the last trip, the
    look-up of an open flag on the same message, the flag, its hits (two here, one statement), one commit."""
    cards = [((0, "modq", "c0"),)]
    writes = FlagWrites(store, lambda: cards.pop() if cards else (), lambda given: None)
    await writes.raise_flag(two_hits(0))
    cards.append(((1, "modq", "c1"),))
    statements = commits_of(store)
    await writes.raise_flag(two_hits(1))
    store.db.conn.set_trace_callback(None)
    kinds = [" ".join(s.split()[:3]).upper() for s in statements]
    assert kinds == ["BEGIN", "UPDATE MODERATION_FLAGS SET", "SELECT ID, RULES,", "INSERT INTO MODERATION_FLAGS",
                     "INSERT OR REPLACE", "COMMIT"], kinds
    rows = store.db.execute("SELECT flag_id, rule, detail FROM moderation_flag_rules ORDER BY flag_id, rule").fetchall()
    assert rows[-2:] == [(2, "classifier", "abuse model 0.97"), (2, "terms", "insults")]
    assert store.db.execute("SELECT card_message_id FROM moderation_flags WHERE id = 1").fetchone() == ("c1",)


async def test_a_flags_commit_writes_few_pages(store):
    """Each B-tree a flag touches is a page in its commit (a frame of the write-ahead log): the flag's row, its
    two indexes (the message's, the time's), its hits. Fifty flags, each a trip of its own, are counted in
    frames with the automatic checkpoint off; the hits' former rowid table, primary key and rule index made
    about eight a flag."""
    writes = FlagWrites(store, lambda: (), lambda given: None)
    for index in range(100):  # the B-trees grow past their first pages
        await writes.raise_flag(two_hits(index))
    store.db.execute("PRAGMA wal_autocheckpoint = 0")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for index in range(100, 150):
        await writes.raise_flag(two_hits(index))
    _, frames, _ = store.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert writes.trips == 150
    assert frames <= 50 * 5.5, frames / 50


def test_the_hits_move_to_one_b_tree_with_every_row(tmp_path):
    """Migrating an existing database keeps every hit; the table is then keyed by (flag, rule) alone."""
    from handlers.moderation.migrations import moderation

    store = Store.open(tmp_path / "old.db")
    moderation.apply(store.db, stop_before="m008_flag_rules_by_flag")
    store.db["moderation_flags"].insert_all([{"id": i, "community": "demo", "platform": "console",
                                              "created_at": "2026-11-23T09:00:00+00:00", "status": "open"}
                                             for i in (1, 2)])  # fmt: skip
    hits = [(1, "terms", "high", 0, "slurs"), (1, "classifier", "medium", 1, "abuse model 0.91"),
            (2, "links", "low", 0, "")]
    store.db.conn.executemany("INSERT INTO moderation_flag_rules VALUES (?, ?, ?, ?, ?)", hits)
    store.db.conn.commit()
    moderation.apply(store.db)
    assert store.db.execute("SELECT * FROM moderation_flag_rules").fetchall() == sorted(hits)
    schema = store.db.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'moderation_flag_rules'").fetchall()
    assert len(schema) == 1 and schema[0][0].endswith("WITHOUT ROWID")  # no rowid table, no index beside it
    assert store.db["moderation_flag_rules"].foreign_keys[0].other_table == "moderation_flags"
    store.close()


async def test_a_flag_added_is_written_by_the_drain_when_no_step_asks_for_its_trip(store):
    """A watcher's flag joins the list on the message's own turn; if its later step never runs (cancelled before
    it started), the flush or the stop still writes it."""
    writes = FlagWrites(store, lambda: (), lambda cards: None)
    first, second = writes.add(draft(1)), writes.add(draft(2))
    assert writes.trips == 0 and store.db.execute("SELECT count(*) FROM moderation_flags").fetchone()[0] == 0
    await writes.drain()
    assert writes.trips == 1 and first.done() and second.done()
    assert [(await first).flag["message_id"], (await second).flag["message_id"]] == ["m1", "m2"]
    assert store.db.execute("SELECT count(*) FROM moderation_flags").fetchone()[0] == 2
    await writes.drain()  # nothing waiting: no trip
    assert writes.trips == 1


async def test_flags_added_in_one_turn_are_one_trip_without_a_turn_let_go_by(store):
    """The flags decided in one turn are all waiting when the first asks for the trip: one trip, one commit."""
    writes = FlagWrites(store, lambda: (), lambda cards: None)
    statements = commits_of(store)
    added = [writes.add(draft(i)) for i in range(FLAGS)]
    rows = await asyncio.gather(*(writes.written(future) for future in added))
    store.db.conn.set_trace_callback(None)
    assert writes.trips == 1 and committed(statements) == 1
    assert [r.flag["message_id"] for r in rows] == [f"m{i}" for i in range(FLAGS)]


async def test_a_second_finding_on_a_message_joins_its_open_flag(store):
    """A second finding on a message with an open flag (an edit, a report, a replay) is not a second flag but
    joins the first one's hits, its severity the higher of the two; a decided flag is closed to it."""
    writes = FlagWrites(store, lambda: (), lambda given: None)
    first = await writes.raise_flag(draft(7))
    again = FlagDraft("demo", "console", "console", "general", "m7", "member7", "critical",
                      (RuleHit("links", "critical", False, "scam: x.test"),), "text 7, edited", "console://general/m",
                      datetime(2026, 11, 23, 9, 30, tzinfo=UTC), source="report", reporter_id="member8")
    second = await writes.raise_flag(again)
    other = await writes.raise_flag(draft(8))
    assert first.created and not second.created and other.created
    assert second.flag["id"] == first.flag["id"] != other.flag["id"]
    assert second.flag["rules"] == "links,terms" and second.flag["severity"] == "critical"
    assert second.flag["source"] == "report" and second.flag["excerpt"] == "text 7, edited"
    assert [row["rule"] for row in second.rules] == ["links", "terms"]
    assert store.db.execute("SELECT count(*) FROM moderation_flags").fetchone()[0] == 2
    store.db.execute("UPDATE moderation_flags SET status = 'dismissed' WHERE id = ?", [first.flag["id"]])
    store.db.conn.commit()
    assert (await writes.raise_flag(draft(7))).created  # a decided flag is closed: a new finding is a new flag
