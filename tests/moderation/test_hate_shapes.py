"""More shapes of group-directed hate (written from general knowledge, invented examples): groups named by a
colour or condition beside a word for people, peoples and beliefs, people pointed at and dehumanised without a
group word, "not welcome", "we don't want X here", "send X back", "fuck all X"; and what stays no hate:
mistreatment told ("they are treated like animals"), things judged ("they're trash"), wishes for a group's
good ("I don't want gay people to be hurt")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.moderation import hate, hate_words
from handlers.moderation.hate import find_hate
from handlers.moderation.lexicon import GROUPS
from handlers.moderation.normalise import normalise


def kind(text: str) -> str | None:
    found = find_hate(normalise(text))
    return found.kind if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("black people are a plague", "dehumanising"),
        ("deaf kids are useless", "derogation"),
        ("koreans should be shot", "threat"),
        ("les italiennes sont des parasites", "dehumanising"),
        ("feminism is a cancer", "dehumanising"),
        ("they are animals", "dehumanising"),
        ("those vermin took over the street", "dehumanising"),
        ("ces cafards envahissent tout", "dehumanising"),
        ("refugees are not welcome here", "exclusion"),
        ("les migrants ne sont pas les bienvenus", "exclusion"),
        ("we don't want muslims here", "exclusion"),
        ("send all the gays to hell", "exclusion"),
        ("fuck all jews", "derogation"),
        ("nique les arabes", "derogation"),
        ("these queers should get beaten", "threat"),
        ("let's go beat some gays", "threat"),
        ("transgenders are mentally ill", "derogation"),
        ("destroy islam", "derogation"),
        ("islam is terrorism", "derogation"),
        ("get out of our country", "exclusion"),
        ("white boys are trash", "dehumanising"),
    ],
)
def test_more_shapes_of_hate(text: str, expected: str) -> None:
    assert kind(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "gay people are treated like animals in some countries",
        "they are treating women like dogs",
        "they're trash at football",
        "these dogs are so cute",
        "they were my guinea pigs",
        "I don't want gay people to be hurt",
        "they are not animals",
        "black cars are ugly, white ones too",
        "we don't want muslims to feel unwelcome",
        "get out of my room",
        "the storm will destroy the houses",
    ],
)
def test_not_hate(text: str) -> None:
    assert kind(text) is None


@given(st.sampled_from(sorted(hate_words.STRONG_DEHUMANISING)), st.sampled_from(["those", "these", "ces"]),
       st.lists(st.sampled_from(["over", "there", "la", "again", "today"]), max_size=3))  # fmt: skip
def test_a_demonstrative_before_a_strong_dehumanising_noun_is_hate(noun: str, pointer: str, rest: list[str]) -> None:
    assert kind(" ".join([pointer, noun, *rest])) == "dehumanising"


@given(st.sampled_from(sorted(hate_words.THINGS_TOO)), st.sampled_from(["they are", "they're", "ils sont des"]))
def test_things_judged_after_they_are_are_no_hate(noun: str, pointer: str) -> None:
    assert kind(f"{pointer} {noun}") is None


@given(
    st.sampled_from(sorted(hate_words.GROUP_ADJECTIVES - {"non", "mentally"})),
    st.sampled_from(sorted(hate_words.PEOPLE)),
)
def test_a_colour_beside_a_word_for_people_is_a_group(colour: str, people: str) -> None:
    assert kind(f"kill all the {colour} {people}") == "threat"
    assert kind(f"kill all the {colour} cars") is None


def test_peoples_have_generated_forms() -> None:
    assert {"koreans", "nigerians", "brazilians"} <= GROUPS["en"]
    assert {"italiennes", "coreens", "congolaises"} <= GROUPS["fr"]
    assert "chineses" not in GROUPS["en"] and "japaneses" not in GROUPS["en"]


def test_every_new_trigger_opens_the_rule() -> None:
    """The triage opens the hate rule on `TRIGGERS`: each word a pattern needs first must be one."""
    assert hate_words.GROUP_ADJECTIVES <= hate.TRIGGERS
    assert {"vermin", "animals", "cafards"} <= hate.TRIGGERS
