"""Swearing aimed at someone is an insult; swearing near a "you" without aiming at anyone is not (`aim.py`).
Generated messages are compared with a naive reading: no addressee and no name-calling word in a clause,
nothing in that clause is aimed; a swear word right before or after the one addressed always is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.moderation.aim import ADDRESSEE, NAME_CALLING, POSSESSIVE, swearing_aimed
from handlers.moderation.normalise import normalise

SWEARS = frozenset({"shit", "fuck", "merde", "putain", "damn", "bordel"})
FILLER = ["the", "bus", "was", "late", "again", "le", "train", "est", "parti", "we", "are", "on", "est", "la"]


def aimed(text: str) -> bool:
    return swearing_aimed(normalise(text).source, SWEARS.__contains__)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you little shit", True),
        ("t'es une merde", True),
        ("merde à toi", True),
        ("espèce de petite merde", True),
        ("you are a dumb smelly fuck", True),
        ("why are you still on the air? shit", False),
        ("pourquoi tu travailles pas sur ton putain de roman", False),
        ("putain, tu traînes par ici", False),
        ("mais putain, il t'a payé combien", False),
        ("shit, I missed the bus", False),
    ],
)
def test_aimed_or_not(text: str, expected: bool) -> None:
    assert aimed(text) is expected


@given(st.lists(st.sampled_from(FILLER + sorted(SWEARS)), max_size=12))
def test_no_addressee_no_aim(words: list[str]) -> None:
    assert not aimed(" ".join(words))


@given(st.lists(st.sampled_from(FILLER), max_size=6), st.sampled_from(sorted(SWEARS - {"putain", "bordel", "damn"})),
       st.sampled_from(["you", "toi", "u"]), st.lists(st.sampled_from(FILLER), max_size=6))  # fmt: skip
def test_a_swear_word_right_before_the_one_addressed_is_aimed(before: list[str], swear: str, you: str,
                                                              after: list[str]) -> None:  # fmt: skip
    assert aimed(" ".join([*before, swear, you, *after]))


@given(st.lists(st.sampled_from(FILLER + sorted(SWEARS)), max_size=8), st.sampled_from(sorted(ADDRESSEE - POSSESSIVE)),
       st.lists(st.sampled_from(FILLER + sorted(SWEARS)), max_size=8))  # fmt: skip
def test_a_sentence_break_separates_the_swear_word_from_the_one_addressed(
    swearing: list[str], you: str, rest: list[str]
) -> None:
    """Swear words only in sentences with no addressee: never aimed, whatever the addressee's sentence holds."""
    clean = [w for w in rest if w not in SWEARS]
    assert not aimed(" ".join(swearing) + ". " + " ".join([you, *clean]))


def test_name_calling_words_are_no_addressees() -> None:
    assert NAME_CALLING.isdisjoint(ADDRESSEE)
