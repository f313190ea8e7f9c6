"""Hate that tells a group its station (written from general knowledge, invented examples): its place or its
only use ("X belong in the kitchen", « les X ne sont bonnes qu'à … »), supremacy and inequality ("X are
superior", "X are not equal to us"), a belief cast as a creed of violence ("X is a religion of hate"),
breeding like vermin, a group word or a colour right before a strong dehumanising noun ("muslim scum"), a death
wish however many words stand between the group and "should" ("X like him should get hanged"); and what stays
no hate: a belief praised, inequality denounced, animals and gardens, everyday « sous »."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.moderation import hate_words
from handlers.moderation.hate import find_hate
from handlers.moderation.lexicon import GROUPS
from handlers.moderation.normalise import normalise


def kind(text: str) -> str | None:
    found = find_hate(normalise(text))
    return found.kind if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("girls are only good for cooking and cleaning", "derogation"),
        ("muslims are good for nothing", "derogation"),
        ("females were made for making sandwiches", "derogation"),
        ("les femmes sont juste bonnes à faire la vaisselle", "derogation"),
        ("les meufs ont leur place à la maison", "derogation"),
        ("whites are superior in every way", "derogation"),
        ("les asiatiques sont supérieurs", "derogation"),
        ("women are not equal to men and never will be", "derogation"),
        ("christianity is a cult of death", "derogation"),
        ("l'islam est une religion de haine", "derogation"),
        ("refugees multiply like rabbits", "dehumanising"),
        ("les migrants se reproduisent comme des lapins", "dehumanising"),
        ("muslim scum everywhere", "dehumanising"),
        ("the non-white parasites will leave", "dehumanising"),
        ("gay folks like that guy next door should get hanged", "threat"),
        ("autistic kids like him should be euthanized", "threat"),
    ],
)
def test_a_group_told_its_station(text: str, expected: str) -> None:
    assert kind(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "islam is a religion of peace",
        "christianity is a religion of love and forgiveness",
        "saying women are not equal to men is sexist",
        "women are paid less than men, that is not equal pay",
        "chinese dogs are cute",
        "the parasites in my garden ate the tomatoes",
        "les arabes sous la pluie attendaient le bus",
        "my kids are good at cooking",
        "rabbits multiply like crazy",
        "women belong to every profession",
        "l'équipe est supérieure ce soir",
    ],
)
def test_no_station_told(text: str) -> None:
    assert kind(text) is None


STRONG = sorted(hate_words.STRONG_DEHUMANISING - {"sous"})


@given(st.sampled_from(sorted(GROUPS["en"] | GROUPS["fr"])), st.sampled_from(STRONG))
def test_a_group_word_before_a_strong_dehumanising_noun_is_hate(group: str, noun: str) -> None:
    assert kind(f"look at those {group} {noun} over there") == "dehumanising"


@given(st.sampled_from(sorted(GROUPS["en"])), st.integers(min_value=0, max_value=6))
def test_a_death_wish_holds_across_the_words_between(group: str, between: int) -> None:
    words = " ".join(["word"] * between)
    assert kind(f"{group} {words} should be killed") == "threat"
