"""Insults aimed at a person and hate against a group are flagged at different severities, and a flag says
which it claims (`targets.py`): the reading of a set whose label is hate against a group only."""

from __future__ import annotations

import pytest

from config.moderation import ModerationSettings
from handlers.moderation.classifier import model_severity
from handlers.moderation.engine import Verdict, build_engine
from handlers.moderation.rules.base import Hit
from handlers.moderation.severity import Severity
from handlers.moderation.targets import claims_group_hate

ENGINE = build_engine(ModerationSettings())


@pytest.mark.parametrize("text", [
    "il faut tuer tous les arabes", "sale arabe", "sale gay", "muslims are a disease", "they are animals",
    "you stupid faggot", "les migrants sont des parasites", "dehors les noirs",
])  # fmt: skip
def test_hate_against_a_group_is_high_and_claims_it(text: str) -> None:
    verdict = ENGINE.check_text(text)
    assert verdict.acting_severity is Severity.HIGH and claims_group_hate(verdict), verdict


@pytest.mark.parametrize("text", ["sale con", "fuck you", "t'es qu'un déchet", "t'es nul", "espèce de thon",
                                  "you are a worthless idiot"])
def test_an_insult_aimed_at_a_person_is_medium_at_most_and_claims_no_group(text: str) -> None:
    verdict = ENGINE.check_text(text)
    assert verdict.acting_severity is not None and verdict.acting_severity <= Severity.MEDIUM, verdict
    assert not claims_group_hate(verdict)


@pytest.mark.parametrize("text", ["je vais te buter", "someone should shoot him", "j'espère que tu crèves"])
def test_a_threat_to_a_person_stays_high_but_claims_no_group(text: str) -> None:
    verdict = ENGINE.check_text(text)
    assert verdict.acting_severity is Severity.HIGH and not claims_group_hate(verdict), verdict


def test_swearing_at_no_one_is_low_in_shadow_and_claims_nothing() -> None:
    verdict = ENGINE.check_text("merde, j'ai raté mon bus")
    assert verdict.severity is Severity.LOW and not verdict.acting and not claims_group_hate(verdict)


def test_the_abuse_model_alone_is_low_and_claims_no_group() -> None:
    assert model_severity("abuse") is Severity.LOW
    assert model_severity("spam") is Severity.MEDIUM
    low = Verdict((Hit("classifier", Severity.LOW, "abuse model 0.95"),))
    agreeing = Verdict((Hit("terms", Severity.MEDIUM, "insults"),
                        Hit("classifier", Severity.HIGH, "abuse model 0.95, agrees with the rules")))  # fmt: skip
    assert not claims_group_hate(low) and not claims_group_hate(agreeing)
    shadowed = Verdict((Hit("hate", Severity.HIGH, "threat"),), frozenset({"hate"}))
    assert not claims_group_hate(shadowed)
