"""The feedback inbox end to end on the console: `/feedback` opens a modal, the card reaches the CMs, who
acknowledge, answer (by DM, or in the channel when DMs are closed) and close it; stale clicks are explained."""

from __future__ import annotations

from bot.store import database
from config.loader import parse_settings
from tests.conftest import DEMO_TOML
from tests.feedback.conftest import Session


async def test_a_feedback_goes_from_modal_to_card_to_answer(session):
    printed = await session.play("""
        join alice
        cmd alice #general /feedback
    """)
    assert "kind=idea|bug|praise|complaint" in printed and "fb:new" in printed
    printed = await session.play('submit alice fb:new kind=idée "text=Un mode sombre, @everyone ?"')
    assert "sous le n°\u00a01" in printed
    assert "[#moderation]" in printed and "Retour n°\u00a01 — 💡 Idée" in printed
    assert "Un mode sombre, @everyone ?" in printed
    card = session.rows("SELECT card_message_id FROM feedback_items")[0][0]
    assert card
    printed = await session.play(f"click alice {card} Pris en compte")
    assert "community managers" in printed  # alice is no CM
    printed = await session.play(f"click claire[cm] {card} Pris en compte")
    assert "pris en compte" in printed.lower()
    printed = await session.play(f"click bob[cm] {card} Pris en compte")
    assert "(buttons: Répondre, Clore)" in printed  # the card followed the decision
    await session.play(f"click claire {card} Répondre")
    printed = await session.play('submit claire fb:answer:1 "answer=Bonne idée, c’est prévu !"')
    assert "[DM → alice]" in printed and "Bonne idée, c’est prévu !" in printed
    printed = await session.play(f"click claire {card} Clore")
    assert "clos" in printed
    printed = await session.play(f"click bob {card} Clore")
    assert "has no button" in printed  # closed: no button left
    status, ack, answered, closed = session.rows(
        "SELECT status, acknowledged_at, answered_at, closed_at FROM feedback_items")[0]
    assert status == "done" and ack and answered and closed
    assert [r[0] for r in session.rows("SELECT action FROM feedback_history ORDER BY rowid")] == [
        "ack", "answer", "done"]


async def test_the_answer_falls_back_to_the_channel_when_dms_are_closed(session):
    await session.play("""
        join alice
        dms alice closed
        cmd alice #general /feedback kind=bug
        submit alice fb:new kind=bug "text=Le bouton ne marche pas"
    """)
    card = session.rows("SELECT card_message_id FROM feedback_items")[0][0]
    await session.play(f"click claire[cm] {card} Répondre")
    printed = await session.play('submit claire fb:answer:1 "answer=Corrigé, merci !"')
    assert "[#general]" in printed and "Corrigé, merci !" in printed


async def test_feedback_channels_and_marks_feed_the_inbox_without_copying_words(session):
    printed = await session.play("""
        join alice
        join bob
        say alice #feedback Le nouveau tableau de bord est génial
        reply bob m3 Pareil
        say bob #general Il manque un export CSV
    """)
    assert "Retour n°\u00a01 — 📝 Message repéré" in printed
    await session.play("react claire[cm] m5 📝")
    await session.play("react dan[cm] m5 📝")  # the same message marked twice is one feedback
    await session.play("react alice m3 📝")  # a member's reaction marks nothing
    rows = session.rows("SELECT source, member_id, text, message_id, link FROM feedback_items ORDER BY id")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [("channel", "alice", None, "m3"), ("mark", "bob", None, "m5")]
    assert all(r[4] for r in rows)


async def test_opted_out_members_are_not_taken_from_channels_but_may_still_write(session):
    await session.play("""
        join alice
        cmd alice /privacy opt-out
        say alice #feedback Une remarque
        cmd alice /feedback
        submit alice fb:new kind=praise "text=Bravo"
    """)
    assert session.rows("SELECT source FROM feedback_items") == [("command",)]


async def test_a_message_in_the_feedback_channel_costs_one_store_trip(tmp_path, monkeypatch):
    """One trip stores the feedback and reads it back for its card; where the card went rides on the next trip
    (`Store.later`). Counted, not timed: the inbox is on the path of every message of a feedback channel."""
    # neither the reference's own trip nor the engagement log's timed flush comes within the test, however slow
    monkeypatch.setattr(database, "LATER_SECONDS", 3600.0)
    settings = parse_settings(DEMO_TOML + "\n[communities.engagement]\nflush_seconds = 60\n", "test.toml")
    session = Session(settings, tmp_path / "c.db")
    await session.app.start()
    await session.play("join alice")
    store, trips = session.store, []
    original = store.run

    async def counted(fn):
        trips.append(fn)
        return await original(fn)

    store.run = counted  # type: ignore[method-assign]
    session.settle = False
    before = len(trips)
    await session.play("say alice #general Bonjour à tous")
    around = len(trips) - before  # what every message costs the other features (engagement buffers its rows)
    before = len(trips)
    printed = await session.play("say alice #feedback Le nouveau tableau de bord est génial")
    assert "Retour n°\u00a01" in printed
    assert len(trips) - before - around == 1
    assert store.waiting_later == 1  # the card's reference, written before anything reads it
    await store.run(lambda db: None)
    assert store.waiting_later == 0
    assert session.rows("SELECT card_message_id FROM feedback_items")[0][0]
    await session.app.stop()
