"""Vote tallies on a real SQLite store against a naive count of the same clicks and native vote events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.polls import polls as ledger
from handlers.polls.migrations import migrations

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MEMBERS = ("ann", "ben", "cat", "dan", "eve")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = Store.open(tmp_path_factory.mktemp("tally") / "t.db")
    apply_all(opened.db, [migrations])
    yield opened
    opened.close()


def new_poll(db, answers: int, multiple: bool) -> tuple[ledger.Poll, ledger.PollMessage, ledger.PollMessage]:
    poll_id = ledger.create_poll(db, community="demo", question="Q?", answers=[f"a{i}" for i in range(answers)],
                                 multiple=multiple, duration=timedelta(hours=1), author_platform="console",
                                 author_id="sam", campaign=None, now=NOW)
    ledger.record_message(db, poll_id, "slack", "C1", f"s{poll_id}", NOW)
    ledger.record_message(db, poll_id, "discord", "700", f"d{poll_id}", NOW)
    poll = ledger.get_poll(db, poll_id)
    assert poll is not None and poll.status == ledger.OPEN and poll.ends_at == NOW + timedelta(hours=1)
    slack, discord = ledger.messages_of(db, poll_id)
    return poll, slack, discord


clicks = st.lists(st.tuples(st.sampled_from(MEMBERS), st.integers(0, 9)), max_size=40)
native = st.lists(st.tuples(st.booleans(), st.sampled_from(MEMBERS), st.integers(0, 9)), max_size=40)


@given(answers=st.integers(2, 10), multiple=st.booleans(), clicks=clicks, native=native)
def test_the_tally_matches_a_naive_count(store, answers, multiple, clicks, native):
    db = store.db
    poll, slack, discord = new_poll(db, answers, multiple)
    chosen: dict[str, set[int]] = {m: set() for m in MEMBERS}  # the naive model of the button card
    for member, answer in clicks:
        answer %= answers
        outcome = ledger.choose(db, poll, slack, member, answer, NOW)
        if answer in chosen[member]:
            chosen[member].discard(answer)
            assert outcome == "removed"
        else:
            expected = "changed" if chosen[member] and not multiple else "added"
            if not multiple:
                chosen[member].clear()
            chosen[member].add(answer)
            assert outcome == expected
    natively: set[tuple[str, int]] = set()  # Discord's votes: what it added and did not take back
    for added, member, answer in native:
        answer %= answers
        if added:
            assert ledger.add_vote(db, poll, discord, member, answer, NOW) == ((member, answer) not in natively)
            natively.add((member, answer))
        else:
            assert ledger.remove_vote(db, poll, discord, member, answer) == ((member, answer) in natively)
            natively.discard((member, answer))
    expected_counts = [sum(a in picks for picks in chosen.values()) + sum(1 for _, a in natively if a == i)
                       for i, a in enumerate(range(answers))]
    voters = sum(1 for picks in chosen.values() if picks) + len({m for m, _ in natively})
    tally = ledger.tally(db, poll)
    assert list(tally.counts) == expected_counts and tally.voters == voters
    if not multiple:
        assert all(len(picks) <= 1 for picks in chosen.values())
    # closing freezes the same counts; a second close changes nothing
    assert ledger.close_poll(db, poll.id, NOW + timedelta(hours=1))
    assert not ledger.close_poll(db, poll.id, NOW + timedelta(hours=2))
    closed = ledger.get_poll(db, poll.id)
    assert closed is not None and ledger.tally(db, closed) == tally
    # the votes may go (retention): the final counts stay
    ledger.purge_votes(db, "demo", NOW + timedelta(days=1))
    assert ledger.tally(db, closed) == tally
    [(_, reported)] = [(p, t) for p, t in ledger.closed_between(db, "demo", NOW, NOW + timedelta(days=1))
                       if p.id == poll.id]
    assert reported == tally


def test_platform_counts_replace_recorded_votes_when_a_native_poll_closes(store):
    db = store.db
    poll, slack, discord = new_poll(db, 3, False)
    ledger.choose(db, poll, slack, "ann", 0, NOW)
    ledger.add_vote(db, poll, discord, "ben", 1, NOW)  # Discord saw more votes than the bot heard (it was down)
    assert ledger.close_poll(db, poll.id, NOW, {discord.key: (0, 4, 1)})
    closed = ledger.get_poll(db, poll.id)
    assert closed is not None
    assert ledger.tally(db, closed) == ledger.Tally((1, 4, 1), 6)
    assert ledger.tally(db, closed).leaders() == (1,)


def test_a_vote_for_an_answer_the_poll_does_not_have_is_refused(store):
    db = store.db
    poll, slack, discord = new_poll(db, 2, False)
    with pytest.raises(ValueError):
        ledger.choose(db, poll, slack, "ann", 2, NOW)
    assert not ledger.add_vote(db, poll, discord, "ann", 5, NOW)
    assert ledger.tally(db, poll).total == 0 and ledger.tally(db, poll).share(0) is None
