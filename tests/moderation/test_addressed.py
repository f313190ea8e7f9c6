"""French abuse aimed at the one addressed, as shapes: an everyday word that insults only when said of « toi »
or « vous », wishes of harm in everyday forms. Invented examples of each shape, and the everyday French they
must leave alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.moderation import addressed
from handlers.moderation.addressed import ADJECTIVES, INSULT, NOUNS, THREAT, find_addressed
from handlers.moderation.hate import clauses, find_hate
from handlers.moderation.normalise import normalise, normalise_term


def found(text: str) -> set[str | None]:
    return {find_addressed(clause) for clause in clauses(normalise(text).source)}


@pytest.mark.parametrize("text", [
    "t'es nul", "t'es vraiment trop nulle", "vous êtes nuls", "t'es qu'une grosse tache", "espèce de thon",
    "vous êtes des boulets", "t'as une tête de thon", "bande de nuls", "t'es moche", "tu es laide",
    "t'es un raté", "t'es une traînée", "pauvre cruche", "t'as l'air débile", "t'es carrément ridicule",
])  # fmt: skip
def test_an_everyday_word_said_of_the_one_addressed_insults(text: str) -> None:
    assert INSULT in found(text)


@pytest.mark.parametrize("text", [
    "j'espère que tu crèves", "j'espère que ta mère meurt", "t'es un homme mort", "tu vas morfler",
    "que tu crèves", "j'espère qu'il va crever",
])  # fmt: skip
def test_wishes_of_harm_in_everyday_forms_threaten(text: str) -> None:
    assert THREAT in found(text)


@pytest.mark.parametrize("text", [
    "t'es pas nul", "match nul", "t'es une bête", "j'espère que t'es pas trop crevé", "tu t'es attardé sur ce point",
    "je suis crevé", "du thon en boîte", "une sale tache sur mon pull", "t'es fou", "tu es incapable de venir ?",
    "j'espère qu'il ne meurt pas", "t'es moins fort que lui", "t'as une tête de mort sur ton tshirt",
    "avant que tu meures, visite Rome", "la pauvre bête", "t'es plus là ?", "tu es une victime, pas coupable",
    "c'est nul", "je suis nul en maths", "tu vas mourir de rire",
])  # fmt: skip
def test_the_same_words_not_aimed_at_anyone_are_left_alone(text: str) -> None:
    assert found(text) <= {None}


def test_feminines_and_plurals_are_generated_not_typed() -> None:
    for word in ("nulle", "nuls", "nulles", "moches", "laide", "laides", "ridicules", "boulets", "cruches"):
        assert word in ADJECTIVES or word in NOUNS, word
    assert len(set(addressed._NOUNS)) == len(addressed._NOUNS)


@given(st.sampled_from(sorted(ADJECTIVES)), st.sampled_from(["t'es", "tu es", "vous êtes"]))
def test_every_adjective_insults_when_aimed_and_not_when_negated(adjective: str, frame: str) -> None:
    assert INSULT in found(f"{frame} {adjective}")
    negated = frame.replace("t'es", "t'es pas").replace("tu es", "tu n'es pas").replace("vous êtes", "vous n'êtes pas")
    assert found(f"{negated} {adjective}") <= {None}


@given(st.sampled_from(sorted(NOUNS)))
def test_every_noun_insults_after_an_article_or_espece_de(noun: str) -> None:
    assert INSULT in found(f"t'es qu'un {noun}") and INSULT in found(f"espèce de {noun}")


def test_every_word_of_the_shapes_opens_the_hate_rule() -> None:
    """The triage opens the hate rule on its `TRIGGERS`: a shape's words must be among them."""
    from handlers.moderation.hate import TRIGGERS

    assert addressed.TRIGGERS <= TRIGGERS
    assert {normalise_term("crèves"), "nul", "thon"} <= TRIGGERS


def test_the_hate_rule_reports_them_as_aimed_at_a_person() -> None:
    insult = find_hate(normalise("t'es qu'une grosse tache"))
    threat = find_hate(normalise("j'espère que tu crèves"))
    assert insult is not None and insult.detail == "insult to someone" and insult.severity.label == "medium"
    assert threat is not None and threat.detail == "threat to someone" and threat.severity.label == "high"
    group = find_hate(normalise("il faut tuer tous les arabes, t'es nul"))
    assert group is not None and group.detail == "threat" and group.target == "group"


@pytest.mark.parametrize("text", [
    "t'es teubé", "t'es grosse", "t'es idiot ou quoi", "espèce de connasse", "t'es un tocard", "tu es un simplet",
    "tu pues", "t'as pas de cerveau", "t'as 2 de QI", "t'as un QI d'huître", "t'as une petite bite",
    "t'es sans cervelle", "vous êtes des larbins", "t'es qu'un puceau",
])  # fmt: skip
def test_wits_looks_and_sex_mocked_insult(text: str) -> None:
    assert INSULT in found(text)


@pytest.mark.parametrize("text", [
    "va crever", "allez, va mourir connard", "crève en enfer", "je te souhaite de crever", "on va te faire la peau",
    "je sais où tu habites", "je vais te casser la gueule", "on va te péter les dents",
])  # fmt: skip
def test_threats_in_everyday_forms(text: str) -> None:
    assert THREAT in found(text)


@pytest.mark.parametrize("text", [
    "il va mourir dans le film", "ça va crever l'écran", "crevé ce soir, je dors", "t'as vu la queue au cinéma",
    "tu as un cerveau brillant", "t'es pas idiot", "tu vas mourir de rire", "vous vous êtes trompés de salon",
    "je pense que tu vis à Paris", "je vais te casser les pieds avec mes questions",
])  # fmt: skip
def test_the_same_everyday_words_left_alone(text: str) -> None:
    assert found(text) <= {None}
