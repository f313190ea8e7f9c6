"""A slur quoted to denounce it is counter-speech: recorded in shadow by the profanity rule, never a `terms` flag,
unless it is aimed at someone in the message or comes as "I'm not racist but…" (invented examples)."""

from __future__ import annotations

import pytest

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.hate import denounces
from handlers.moderation.normalise import normalise
from handlers.moderation.rules.terms import DENOUNCED

ENGINE = build_engine(ModerationSettings())


@pytest.mark.parametrize(
    "text",
    [
        "calling gay people faggots is homophobic",
        "the word nigger is racist and nobody should use it",
        "he called me a faggot and that is homophobic, please report him",
        "traiter quelqu'un de sale pédé, c'est homophobe",
        "le mot bougnoule est raciste",
    ],
)
def test_a_slur_quoted_to_denounce_it_is_recorded_in_shadow(text: str) -> None:
    found = ENGINE.check_text(text)
    assert [hit.rule for hit in found.hits] == ["profanity"] and found.hits[0].detail == DENOUNCED
    assert found.hits[0].severity.label == "low" and not found.acting


@pytest.mark.parametrize(
    "text",
    [
        "you faggot, calling you that is not homophobic",  # aimed at someone
        "I'm not racist but niggers are the problem",  # the classic opening of hate
        "calling you a moron is not racist",  # an insult, not a slur, aimed at someone
        "faggots everywhere, what a joke",  # no denouncing at all
        "say it: the word faggot is racist, you idiot",  # another insult beside it
    ],
)
def test_a_slur_used_or_aimed_still_flags(text: str) -> None:
    found = ENGINE.check_text(text)
    assert found.acting and "terms" in {hit.rule for hit in found.hits}


def test_denouncing_needs_both_a_denouncing_word_and_a_quoting_one() -> None:
    assert denounces(normalise("calling them that is racist").words)
    assert not denounces(normalise("that is racist").words)  # no quoting: maybe a slur used with a label
    assert not denounces(normalise("calling them that").words)
    assert not denounces(normalise("call me racist but they are all the same").words)


def test_denouncing_reads_a_bounded_number_of_words() -> None:
    words = normalise("blah " * 50_000 + "calling them that is racist").words
    assert not denounces(words)  # beyond the first MAX_TOKENS words, nothing is read


@pytest.mark.parametrize(
    "text",
    [
        "he called me a faggot at school today",
        "I get called a dyke every day at work",
        "aujourd'hui on m'a traité de sale arabe dans la rue",
        "il m'a traitée de gouine devant tout le monde",
    ],
)
def test_a_slur_reported_by_the_one_it_was_aimed_at_is_recorded_in_shadow(text: str) -> None:
    found = ENGINE.check_text(text)
    assert not found.acting, found
    assert [hit.rule for hit in found.hits] == ["profanity"] and found.hits[0].detail == DENOUNCED


@pytest.mark.parametrize(
    "text",
    [
        "they call us racist for saying niggers are animals",  # the label complained of introduces the hate
        "they call us racist for saying muslims are rats",
        "on nous traite de racistes parce qu'on dit que les arabes sont des rats",
        "I get called racist but faggots are the problem",
        "he called me and the niggers laughed",  # the slur is no name the speaker was called
        "he called me a faggot, you fucking faggot",  # aimed at someone
    ],
)
def test_complaining_of_being_called_racist_is_no_counter_speech(text: str) -> None:
    found = ENGINE.check_text(text)
    assert found.acting and {"terms", "hate"} & {hit.rule for hit in found.hits}, found
