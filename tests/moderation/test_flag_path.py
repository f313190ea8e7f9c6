"""The flag path's cost, counted: one store trip per flag, cards drawn from frames rendered once per kind of flag.

A flagged message is the bot's most expensive ordinary event; these tests count the work it does (store trips,
catalogue renders) rather than time it, so they hold on a loaded machine. What the flag path must still do is
checked beside: the flag is in the store before its card is posted, and the card's reference reaches the store
(with the next trip, at a button, a flush or the stop), so a decision edits the card it belongs to.
"""

from __future__ import annotations

from datetime import timedelta

from bot.actions import EditMessage, Post
from bot.events import Member
from bot.i18n import Catalogue
from tests.moderation.conftest import Bot

OFFENSIVE = ("you are a b1tch", "espèce de connard", "quelle salope", "fuck you", "sale pute")
FLAGS = 20


class CountingStore:
    """Counts the trips to the store's thread, and what the store held when each flag's card was posted."""

    def __init__(self, bot: Bot) -> None:
        self.trips = 0
        store = bot.store
        original = store.run

        async def run(fn):
            self.trips += 1
            return await original(fn)

        store.run = run  # type: ignore[method-assign]


async def post_flags(bot: Bot, count: int) -> None:
    for index in range(count):  # a member each, minutes apart: no flood or spike rule is involved
        member = Member(f"member{index}", f"Member {index}")
        await bot.post(OFFENSIVE[index % len(OFFENSIVE)], member=member, after=timedelta(minutes=30))


async def test_each_flag_costs_one_store_trip(make_bot):
    bot = await make_bot()
    counter = CountingStore(bot)
    await post_flags(bot, FLAGS)
    assert len(bot.flags()) == FLAGS
    assert counter.trips == FLAGS  # flag, automatic action and the previous card's reference: one trip
    assert len(bot.platform.of_type(Post)) == FLAGS


async def test_every_card_reference_reaches_the_store(make_bot):
    bot = await make_bot()
    await post_flags(bot, FLAGS)
    written = [f["card_message_id"] for f in bot.flags()]
    assert written[:-1] == [f"r{i}" for i in range(1, FLAGS)]  # each written with the next flag's trip
    assert written[-1] is None  # the last one waits in memory...
    await bot.app.services.flush_pending()  # ...until a flush (forget-me, export) or the stop
    assert [f["card_message_id"] for f in bot.flags()] == [f"r{i}" for i in range(1, FLAGS + 1)]


async def test_a_decision_edits_the_card_whose_reference_was_not_written_yet(make_bot):
    bot = await make_bot()
    await bot.post("espèce de connard")
    [flag] = bot.flags()
    assert flag["card_message_id"] is None  # still in memory
    await bot.click(f"mod:dismiss:{flag['id']}")
    [edit] = bot.platform.of_type(EditMessage)
    assert edit.message_id == "r1" and edit.channel_id == "modq"
    [flag] = bot.flags()
    assert flag["status"] == "dismissed" and flag["card_message_id"] == "r1"


async def test_the_stop_writes_the_last_card_reference(tmp_path):
    bot = await Bot(tmp_path).start()
    await bot.post("espèce de connard")
    await bot.stop()
    from bot.store import Store

    store = Store.open(tmp_path / "cmbot.db")
    [row] = store.db.execute("SELECT card_message_id FROM moderation_flags").fetchall()
    store.close()
    assert row == ("r1",)


async def test_a_card_renders_only_its_own_values(make_bot, monkeypatch):
    """A card is filled in from its cached frame: once flags with the same rules and details have been seen,
    drawing another card renders nothing from the catalogue (its number, member, channel and excerpt are its
    own, written without a template)."""
    bot = await make_bot(locale="fr")
    await post_flags(bot, len(OFFENSIVE))  # one flag of each kind fills the frames
    renders: list[str] = []
    original = Catalogue.text

    def counted(self, lang, key, **values):
        renders.append(key)
        return original(self, lang, key, **values)

    monkeypatch.setattr(Catalogue, "text", counted)
    await post_flags(bot, FLAGS)
    cards = bot.platform.of_type(Post)[len(OFFENSIVE):]
    assert len(cards) == FLAGS
    numbers = [card.content.title.plain() for card in cards]
    assert numbers == [f"Signalement n°\u00a0{flag['id']} — gravité {flag_severity_fr(flag)}"
                       for flag in bot.flags()[len(OFFENSIVE):]]
    assert renders == []


def flag_severity_fr(flag) -> str:
    return {"low": "faible", "medium": "moyenne", "high": "élevée", "critical": "critique"}[flag["severity"]]


async def test_a_flag_and_its_hits_are_one_commit(make_bot):
    """The flag, each rule that hit and the previous card's reference land in one transaction: one commit (one
    write to the disk) per flag, and a crash leaves all of them or none."""
    bot = await make_bot()
    await post_flags(bot, 1)  # the first flag: its card reference waits for the next trip
    statements: list[str] = []
    bot.store.db.conn.set_trace_callback(statements.append)
    await post_flags(bot, FLAGS)
    bot.store.db.conn.set_trace_callback(None)
    commits = [s for s in statements if s.strip().upper().startswith(("COMMIT", "RELEASE"))]
    assert len(commits) == FLAGS
    assert len(bot.flags()) == FLAGS + 1
    assert all(len([r for r in bot.flag_rules() if r["flag_id"] == f["id"]]) >= 1 for f in bot.flags())


async def test_a_new_flags_card_reads_nothing_back(make_bot):
    """A new flag's card is drawn from the rows its draft wrote: the trip reads only whether the message already
    has an open flag (whose hits a new finding would join), never the flag, its hits or its actions again."""
    bot = await make_bot()
    statements: list[str] = []
    bot.store.db.conn.set_trace_callback(statements.append)
    await post_flags(bot, FLAGS)
    bot.store.db.conn.set_trace_callback(None)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "moderation_flag" in s]
    assert len(reads) == FLAGS and all("status = " in s for s in reads), reads[:3]
    assert len(bot.platform.of_type(Post)) == FLAGS
