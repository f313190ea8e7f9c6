"""French abuse without a slur (written from general knowledge, invented examples): violence wished on the one
addressed or on a person named (« je vais te buter », « faut le pendre »), incitement to suicide, body shaming
(« t'es qu'une grosse vache », « espèce de gros lard ») and sexual crudeness; and what stays clean: banter
about a match (« on va les défoncer ce soir »), threats denied, everyday words (« une grosse erreur », « le
pneu est crevé », « ferme la porte »)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.hate import find_hate
from handlers.moderation.inflections import french_verb_forms
from handlers.moderation.normalise import normalise
from handlers.moderation.training.models import flagged_by_rules


@pytest.fixture(scope="module")
def engine():
    return build_engine(ModerationSettings())


@pytest.mark.parametrize(
    "text",
    [
        "je vais te buter",
        "faut le pendre ce type",
        "je t'éclate la prochaine fois",
        "il mérite qu'on le crève",
        "je te bute si tu reviens",
        "on va t'égorger",
        "il faudrait la lyncher",
    ],
)
def test_violence_aimed_at_a_person_is_a_threat(text: str) -> None:
    found = find_hate(normalise(text))
    assert found is not None and found.kind == "threat"


@pytest.mark.parametrize(
    "text",
    [
        "on va les défoncer ce soir au match",
        "je vais pas te tuer, t'inquiète",
        "le pneu est crevé",
        "ils disent que je vais le buter, n'importe quoi",
        "je vais tuer le temps en lisant",
        "tu vas t'éclater ce soir",  # you will have fun
        "tu vas te défoncer à l'entraînement",
        "tu veux te tuer à la tâche ?",
    ],
)
def test_banter_denial_and_everyday_words_are_no_threat(text: str) -> None:
    assert find_hate(normalise(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "t'es qu'une grosse vache",
        "espèce de gros lard",
        "sale grosse",
        "t'es moche et tu le sais",
        "va te pendre",
        "tu mérites de crever",
        "je vais te casser la gueule",
        "taille moi une pipe",
        "bande de conards",
        "fils de batar",
    ],
)
def test_french_abuse_without_a_slur_is_flagged(engine, text: str) -> None:
    assert flagged_by_rules(engine.check_text(text), "abuse")


@pytest.mark.parametrize(
    "text",
    [
        "une grosse erreur de ma part",
        "il fait gros temps ce soir",
        "ferme la porte en partant",
        "le pneu est crevé, je rentre à pied",
        "on va les défoncer ce soir au match",
        "les baleines migrent vers le nord",
        "tu es grande maintenant",
    ],
)
def test_everyday_french_is_not_flagged(engine, text: str) -> None:
    assert not flagged_by_rules(engine.check_text(text), "abuse")


@given(st.from_regex(r"[a-z]{2,8}er", fullmatch=True))
def test_verb_forms_share_the_stem_and_hold_the_infinitive(infinitive: str) -> None:
    forms = french_verb_forms(infinitive)
    assert infinitive in forms
    assert all(form.startswith(infinitive[:-2]) for form in forms)
    assert {infinitive[:-2] + "e", infinitive[:-2] + "ez"} <= forms


@given(st.from_regex(r"[a-z]{2,8}(?:re|ir)", fullmatch=True))
def test_verbs_of_other_groups_are_left_as_typed(infinitive: str) -> None:
    assert french_verb_forms(infinitive) == {infinitive}


@pytest.mark.parametrize(
    "text",
    [
        "t'es qu'un déchet",
        "espèce de cafard",
        "vous êtes des parasites",
        "t'es un gros porc",
        "les juifs contrôlent les médias",
        "jews control the banks",
    ],
)
def test_the_one_addressed_dehumanised_and_conspiracy_tropes_are_hate(text: str) -> None:
    assert find_hate(normalise(text)) is not None


@pytest.mark.parametrize("text", ["t'es une bête à ce jeu", "t'es pas un rat, tu partages", "ces chiens sont mignons"])
def test_praise_denial_and_pets_are_no_hate(text: str) -> None:
    assert find_hate(normalise(text)) is None


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("ça part en couille depuis ce matin", False),  # things going wrong
        ("j'en ai rien à foutre de ce patch", False),  # swearing at no one: the profanity rule's, in shadow
        ("va te faire foutre", True),
        ("vous avez cassé dix putains de fonctions", False),  # « putain de » intensifies the noun after it
        ("t'es une putain de merde", True),
        ("retourne à la cuisine", True),
        ("go back to the kitchen, make me a sandwich", True),
    ],
)
def test_crude_idioms_and_intensifiers(engine, text: str, flagged: bool) -> None:
    assert flagged_by_rules(engine.check_text(text), "abuse") is flagged
