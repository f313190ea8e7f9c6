"""Reading a poll from a command: durations, answers, limits, and hostile text kept as plain words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.polls import PollSettings
from handlers.polls.drafting import read_duration, read_poll, split_answers

SETTINGS = PollSettings()


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)), ("1d12h", timedelta(hours=36)),
    ("3j", timedelta(days=3)), ("90 min", timedelta(minutes=90)), ("4", timedelta(hours=4)),
    ("1H30M", timedelta(minutes=90)),
])
def test_durations_read_in_both_languages(text, expected):
    assert read_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "2x", "1d foo", "-3h", "h"])
def test_unreadable_durations(text):
    assert read_duration(text) is None


def test_a_good_poll_and_its_defaults():
    draft, problems = read_poll("  Which day?  ", "Mon | Tue\nWed", None, False, SETTINGS)
    assert problems == [] and draft is not None
    assert draft.question == "Which day?" and draft.answers == ("Mon", "Tue", "Wed")
    assert draft.duration == timedelta(hours=24) and not draft.multiple


def test_every_problem_is_named_at_once():
    _, problems = read_poll("x" * 301, "a|" + "b" * 56 + "|A", "2m", False, SETTINGS)
    keys = [p.key for p in problems]
    assert keys == ["polls.invalid.question_too_long", "polls.invalid.answer_too_long",
                    "polls.invalid.answer_twice", "polls.invalid.duration_short"]
    _, problems = read_poll("Q", "|".join(str(i) for i in range(11)), "800h", True, SETTINGS)
    assert [p.key for p in problems] == ["polls.invalid.answers_count", "polls.invalid.duration_long"]


def test_control_characters_never_reach_a_platform():
    draft, _ = read_poll("Hi\u202e\x1b[31m there", "a\x00b|c\u200fd", "1h", False, SETTINGS)
    assert draft is not None
    assert draft.question == "Hi [31m there" and draft.answers == ("a b", "c d")


@given(st.lists(st.text(min_size=1, max_size=20).filter(lambda s: "|" not in s and "\n" not in s), max_size=12))
def test_answers_split_on_bars_and_keep_their_words(answers):
    split = split_answers("|".join(answers))
    assert all("|" not in a and a == a.strip() and a for a in split)
    assert len(split) <= len(answers)
