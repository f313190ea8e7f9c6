"""Language-aware matching: each message's language, each language's terms on its own text, accents per term."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.inflections import english_plural, forms, french_feminine, french_plural
from handlers.moderation.language import detect
from handlers.moderation.normalise import normalise
from handlers.moderation.rules.base import Severity
from handlers.moderation.terms import LanguageTerms, Term, load_list


@pytest.fixture(scope="module")
def engine():
    return build_engine(ModerationSettings())


def rules(engine, text: str) -> set[str]:
    return {hit.rule for hit in engine.check_text(text).hits}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je ne sais pas si c'est une bonne idée", "fr"),
        ("on se retrouve ce soir pour le tournoi ?", "fr"),
        ("I don't think that is a good idea", "en"),
        ("are you coming to the stream tonight?", "en"),
        ("gg", "unknown"),
        ("lol", "unknown"),
        ("", "unknown"),
    ],
)
def test_detect(text: str, language: str) -> None:
    assert detect(normalise(text).words) == language


@given(st.lists(st.sampled_from(["le", "the", "et", "and", "x", "pas", "not"]), max_size=50))
def test_detect_always_answers_one_of_three(words: list[str]) -> None:
    assert detect(words) in {"fr", "en", "unknown"}


def test_an_english_slur_that_is_a_french_word_stays_in_english(engine) -> None:
    assert not rules(engine, "les homos ont enfin le droit de se marier, c'est une bonne nouvelle")
    assert "terms" in rules(engine, "shut up you are such a homo")
    assert "terms" in rules(engine, "homo")  # language unknown: both lists apply


def test_english_insults_used_in_french_are_declared() -> None:
    english = {t.text: t for t in load_list("en")}
    assert "fr" in english["nigga"].languages and "fr" not in english["homo"].languages


def test_accents_make_the_word(engine) -> None:
    assert not rules(engine, "il a serré la bride du cheval avant de partir")
    assert not rules(engine, "le jeu est bridé à 30 images par seconde")  # restricted: a homonym in context
    assert not rules(engine, "c'est un détail mais il s'y attarde trop")
    assert "terms" in rules(engine, "t'es vraiment un attardé")
    assert "terms" in rules(engine, "sale bridé")
    assert "terms" in rules(engine, "ces bridés")  # a generated plural, accents kept


def test_accented_terms_need_their_accents() -> None:
    matcher = LanguageTerms([Term("taré", "insults", Severity.MEDIUM, "accented", frozenset({"fr"}))])
    assert matcher.find(normalise("t'es taré"), "fr")
    assert not matcher.find(normalise("la tare du sac"), "fr")
    assert not matcher.find(normalise("t'es tare"), "fr")


def test_plurals_are_generated_not_typed(engine) -> None:
    french = {t.text for t in load_list("fr")}
    assert {"baltringue", "baltringues"} <= french
    assert "ordures" not in french  # « les ordures ménagères »: declared with no plural
    assert "terms" in rules(engine, "bande de baltringues")


def test_inflections() -> None:
    assert french_plural("juif") == "juifs" and french_plural("chinois") == "chinois"
    assert french_feminine("juif") == "juive" and french_feminine("immigré") == "immigrée"
    assert french_feminine("musulman") == "musulmane" and french_feminine("chrétien") == "chrétienne"
    assert english_plural("refugee") == "refugees" and english_plural("fly") == "flies"
    assert forms("juif", "fr", feminine=True) == {"juif", "juifs", "juive", "juives"}


def test_profanity_aimed_at_no_one_is_low_and_shadow(engine) -> None:
    for text in ("merde, j'ai raté mon bus", "this shit is so good", "putain le boss final est dur"):
        verdict = engine.check_text(text)
        assert [hit.rule for hit in verdict.hits] == ["profanity"], text
        assert verdict.all_shadow and verdict.acting_severity is None
    for text in ("fuck you", "merde à toi", "you are full of shit"):
        verdict = engine.check_text(text)
        assert {hit.rule for hit in verdict.hits} == {"terms"}, text
        assert verdict.acting_severity is Severity.MEDIUM


@pytest.mark.parametrize("text", [
    "le jeu est bridé à 30 images par seconde",
    "ce PC portable est vraiment bridé",
    "le moteur a été bridé par le constructeur",
    "les versions bridées ne passent pas 60 fps",
    "mon forfait est bridé après 100 Go",
    "la connexion bridée du wifi de l'hôtel",
])
def test_restricted_is_no_slur(engine, text) -> None:
    assert "terms" not in rules(engine, text)


@pytest.mark.parametrize("text", ["sale bridé", "t'es bridé", "les bridés sont partout", "ferme-la le bridé"])
def test_the_slur_stays_a_slur(engine, text) -> None:
    assert "terms" in rules(engine, text)
