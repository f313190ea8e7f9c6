"""Insults glued to the word before them, and slurs reclaimed by the people they name (invented examples)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.glued import LEADS, all_reclaimed, self_referential
from handlers.moderation.normalise import normalise
from handlers.moderation.rules.terms import RECLAIMED
from handlers.moderation.terms import TermMatcher, load_list
from tests.moderation.work import calls

ENGINE = build_engine(ModerationSettings())
MATCHER = TermMatcher([*load_list("fr"), *load_list("en")])


def verdict(text: str):
    return ENGINE.check_text(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("lol youbitch stop that", "insults"),
        ("shut up fuckingidiot", "insults"),
        ("t'es qu'une espècedeconnasse", "insults"),
        ("dégage salenègre", "slurs"),
        ("ferme-la grossesalope", "insults"),
        ("youfaggots are all the same", "slurs"),
    ],
)
def test_an_insult_glued_to_the_word_before_it_is_found(text: str, category: str) -> None:
    hits = {hit.rule: hit for hit in verdict(text).hits}
    assert "terms" in hits and category in hits["terms"].detail


@pytest.mark.parametrize(
    "innocent",
    ["uranus is far", "une salade composée", "tonight we play", "youngsters love it", "the fatherland museum",
     "les sousmarins de la flotte", "a dirtbike race", "le grossiste du coin", "littleton high school",
     "tessellation patterns", "taciturne mais gentil"],
)  # fmt: skip
def test_words_that_only_start_like_a_leading_word_stay_whole(innocent: str) -> None:
    assert not verdict(innocent)


@given(st.sampled_from(LEADS), st.text(alphabet="bcdfghjkmpqvwxz", min_size=4, max_size=12))
def test_a_leading_word_before_no_listed_term_finds_nothing_more(lead: str, rest: str) -> None:
    glued = {term.text for term in MATCHER.find(normalise(f"hey {lead}{rest} there"))}
    assert glued <= {term.text for term in MATCHER.find(normalise(lead))}  # "fucking…" still starts with "fuck"


def test_glued_words_are_found_in_linear_work() -> None:
    small = calls(lambda: MATCHER.find(normalise("youbitch salenegre ok " * 100)))
    large = calls(lambda: MATCHER.find(normalise("youbitch salenegre ok " * 10_000)))
    assert large <= small * 3  # the first GLUE_WINDOW characters only


@pytest.mark.parametrize(
    "text",
    [
        "I'm a proud dyke and my wife is too",
        "as a fag myself I find this hilarious",
        "we dykes need our own space",
        "je suis une gouine et fière de l'être",
        "en tant que pédé, je trouve ce film juste",
        "nous les gouines on s'organise pour la marche",
        "moi le pd de service je ramène les crêpes",
    ],
)
def test_a_slur_used_about_oneself_is_recorded_in_shadow_not_acted_on(text: str) -> None:
    found = verdict(text)
    assert [hit.rule for hit in found.hits] == ["profanity"] and found.hits[0].detail == RECLAIMED
    assert found.hits[0].severity.label == "low" and not found.acting  # profanity runs in shadow by default


@pytest.mark.parametrize(
    "text",
    [
        "you are a dyke and everyone knows it",
        "I'm a dyke and you're a dyke too, loser",  # the same slur aimed at someone: a flag
        "I'm a proud fag, and you are a dumb bitch",  # another insult beside it: a flag
        "ta mère est une gouine",
        "sale pédé, je suis un pédé moi aussi",  # « sale pédé » is no reclaiming
    ],
)
def test_a_slur_aimed_at_others_still_flags(text: str) -> None:
    found = verdict(text)
    assert found.acting and "terms" in {hit.rule for hit in found.hits}


def test_reclaiming_is_judged_in_bounded_work() -> None:
    def is_slur(word: str) -> bool:
        return word == "dyke"

    short, long = normalise("I'm a proud dyke. " * 10).words, normalise("I'm a proud dyke. " * 20_000).words
    small = calls(lambda: all_reclaimed(short, is_slur))
    large = calls(lambda: all_reclaimed(long, is_slur))
    assert large <= small  # past MAX_RECLAIMING_WORDS words the slurs are judged as usual
    assert calls(lambda: verdict("dyke " * 12_500)) < 50_000
    assert verdict("I'm a proud dyke. " * 300).acting


def test_the_frame_must_come_right_before_the_slur() -> None:
    words = normalise("I am not saying those people are dykes").words
    assert not self_referential(words, words.index("dykes"))
    words = normalise("we are proud old dykes").words
    assert self_referential(words, words.index("dykes"))
