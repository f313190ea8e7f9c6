"""One abuse, one hit: a word list and the hate patterns firing on the same words make one hit, never a lower
severity than either alone (`overlap.py`); and the abuse model's hit is high only when it agrees with an abuse
rule acting on the message, low alone (`agreement.py`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.addressed import ADJECTIVES, NOUNS
from handlers.moderation.agreement import agreement
from handlers.moderation.classifier import SHIPPED, ClassifierRule, TextClassifier, shipped_model_path
from handlers.moderation.engine import build_engine, build_terms
from handlers.moderation.lexicon import GROUPS
from handlers.moderation.rules.base import Hit, MessageFacts
from handlers.moderation.rules.hate import GroupHate
from handlers.moderation.rules.terms import BannedTerms
from handlers.moderation.severity import Severity

ENGINE = build_engine(ModerationSettings())
REFERENCE = build_engine(ModerationSettings(), gated=False, shortcuts=False)
_insults, _profanity = build_terms(ModerationSettings())
APART = (BannedTerms(_insults, _profanity), GroupHate())  # each rule on its own, as before they shared a finding
ABUSE = ("terms", "hate")


def abuse_hits(text: str) -> list[Hit]:
    return [hit for hit in ENGINE.check_text(text).hits if hit.rule in ABUSE]


def apart(text: str) -> list[Hit]:
    message = MessageFacts(text)
    return [hit for rule in APART if (hit := rule.check(message)) is not None]


@pytest.mark.parametrize("text", [
    "sale arabe", "t'es un tocard", "t'es une merde", "je vais te casser la gueule", "espèce de connasse",
    "t'es une salope", "you stupid faggot", "sale pédé",
])  # fmt: skip
def test_a_list_term_and_a_pattern_on_the_same_words_make_one_hit(text: str) -> None:
    hits = abuse_hits(text)
    assert len(hits) == 1, hits
    assert hits[0].severity == max(hit.severity for hit in apart(text))


def test_a_rule_in_shadow_or_switched_off_never_takes_the_other_rules_hit_away() -> None:
    shadowed = build_engine(ModerationSettings.model_validate({"hate": {"shadow": True}})).check_text("t'es un tocard")
    assert {hit.rule for hit in shadowed.hits} == {"terms", "hate"} and shadowed.acting
    engine = build_engine(ModerationSettings.model_validate({"channels": {"general": {"disable": ["hate"]}}}))
    verdict = engine.check(MessageFacts("t'es un tocard", channel_id="general"))
    assert [hit.rule for hit in verdict.hits] == ["terms"] and verdict.acting


def test_abuse_on_different_words_keeps_both_hits() -> None:
    assert {hit.rule for hit in abuse_hits("connard, t'es nul")} == {"terms", "hate"}


_FRAMES = ["t'es", "tu es", "vous êtes", "espèce de", "sale", "t'es qu'un", "t'es une grosse", "les", "tous les"]
_WORDS = sorted({*NOUNS[::3], *ADJECTIVES[::3], *sorted(GROUPS["fr"])[::25], *sorted(GROUPS["en"])[::25], "con",
                 "connard", "salope", "pute", "merde", "bougnoule", "pédé", "faggot", "nigger", "idiot"})
_AFTER = ["", "sont des rats", "are disgusting", "!", "de merde", "va crever", "ce soir"]


@given(st.sampled_from(_FRAMES), st.sampled_from(_WORDS), st.sampled_from(_AFTER), st.sampled_from(["", "lol "]))
def test_one_hit_never_says_less_than_the_two_apart(frame: str, word: str, after: str, before: str) -> None:
    text = f"{before}{frame} {word} {after}".strip()
    merged, separate = abuse_hits(text), apart(text)
    assert bool(merged) == bool(separate)
    assert len(merged) <= len(separate)
    if separate:
        assert max(h.severity for h in merged) == max(h.severity for h in separate)
    assert ENGINE.check_text(text).hits == REFERENCE.check_text(text).hits


MODELS = ClassifierRule([TextClassifier.load(shipped_model_path(name), name) for name in SHIPPED])


def test_the_abuse_model_is_high_only_when_it_agrees_with_an_abuse_rule() -> None:
    engine = build_engine(ModerationSettings(), classifier=MODELS)
    agreeing = engine.check_text("sale con")
    model = [hit for hit in agreeing.hits if hit.rule == "classifier"]
    assert model and model[0].severity is Severity.HIGH and model[0].detail.endswith("agrees with the rules")
    alone = engine.check_text("you are annoying and dumb")
    assert [hit.rule for hit in alone.hits] == ["classifier"] and alone.severity is Severity.LOW


def test_no_agreement_with_a_rule_in_shadow_mode_nor_with_a_rule_that_claims_no_abuse() -> None:
    model = Hit("classifier", Severity.LOW, "abuse model 0.97")
    terms = Hit("terms", Severity.MEDIUM, "insults")
    assert agreement([terms, model], frozenset({"terms"}))[-1] is model
    assert agreement([Hit("caps", Severity.LOW, "caps"), model], frozenset())[-1] is model
    spam = Hit("classifier", Severity.MEDIUM, "spam model 0.99")
    assert agreement([terms, spam], frozenset())[-1] is spam
    assert agreement([terms, model], frozenset())[-1] == Hit("classifier", Severity.HIGH,
                                                             "abuse model 0.97, agrees with the rules")
