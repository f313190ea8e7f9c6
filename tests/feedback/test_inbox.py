"""The inbox's table owner on a real SQLite store: decisions are claimed once, feedback given is counted per
member without words, and a message is one feedback however often it comes in."""

from __future__ import annotations

import pytest

from handlers.feedback import inbox
from handlers.feedback.migrations import migrations


@pytest.fixture
def db(store):
    migrations.apply(store.db)
    return store.db


def _draft(member: str | None, at: int, message: str | None = None, source: str = "command") -> inbox.Draft:
    return inbox.Draft("c", "discord", "G", member, member or "", source, "idea" if source == "command" else
                       "unsorted", "general", at, text="…" if source == "command" else None, message_id=message)


def test_two_cms_deciding_at_once_decide_once(db):
    feedback_id, _ = inbox.record(db, _draft("a", 10))
    assert inbox.decide(db, feedback_id, "done", "cm1", "Claire", 20)
    assert not inbox.decide(db, feedback_id, "done", "cm2", "Bob", 21)
    assert not inbox.decide(db, feedback_id, "ack", "cm2", "Bob", 22)
    item = inbox.get(db, feedback_id)
    assert item is not None and (item.status, item.acknowledged_at, item.closed_at) == ("done", 20, 20)
    assert [(d.action, d.by) for d in inbox.decisions(db, feedback_id)] == [("done", "cm1")]


def test_an_answer_delivered_after_a_close_is_recorded_and_the_feedback_stays_closed(db):
    feedback_id, _ = inbox.record(db, _draft("a", 10))
    inbox.decide(db, feedback_id, "done", "cm1", "Claire", 20)
    assert inbox.decide(db, feedback_id, "answer", "cm2", "Bob", 25, answer="Merci",
                        allowed=(inbox.OPEN, inbox.ACKNOWLEDGED, inbox.DONE))
    item = inbox.get(db, feedback_id)
    assert item is not None and (item.status, item.answered_at, item.answer) == ("done", 25, "Merci")


def test_a_message_is_one_feedback_however_often_it_comes_in(db):
    first, created = inbox.record(db, _draft("a", 10, "m1", "channel"))
    again, created_again = inbox.record(db, _draft("a", 30, "m1", "mark"))
    assert (created, created_again, again) == (True, False, first)


def test_feedback_given_is_counted_per_member_without_words(db):
    for member, at in (("a", 10), ("a", 20), ("b", 30), (None, 31), ("b", 40)):
        inbox.record(db, _draft(member, at, f"m{at}" if member is None else None,
                                "mark" if member is None else "command"))
    assert inbox.given_by(db, "c", 0, 35) == {("discord", "a"): 2, ("discord", "b"): 1}


def test_the_mark_is_known_as_the_emoji_or_by_its_slack_name():
    from handlers.feedback.intake import is_mark

    assert is_mark("📝", "📝") and is_mark("memo", "📝") and is_mark("memo", ":memo:") and is_mark("📝", "📝")
    assert not is_mark("👍", "📝") and not is_mark("+1", "📝") and is_mark("fire", "fire")
