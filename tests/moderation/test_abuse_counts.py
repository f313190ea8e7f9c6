"""What the abuse figures count as the rules' flag: a hit of an abuse rule that is acted on. Style rules
(capitals, emoji) and shadow hits (swearing at no one) are no claim of abuse."""

from __future__ import annotations

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.training.models import flagged_by_rules

ENGINE = build_engine(ModerationSettings())


def test_an_insult_counts_for_abuse_and_for_spam_alike() -> None:
    verdict = ENGINE.check_text("you are a fucking idiot")
    assert flagged_by_rules(verdict, "abuse") and flagged_by_rules(verdict, "spam")


def test_shouting_is_a_flag_but_no_abuse() -> None:
    verdict = ENGINE.check_text("THIS IS THE BEST DAY OF MY WHOLE LIFE")
    assert verdict.acting and [hit.rule for hit in verdict.hits] == ["caps"]
    assert not flagged_by_rules(verdict, "abuse")
    assert flagged_by_rules(verdict, "spam")  # the spam figures keep counting every acted-on flag


def test_swearing_at_no_one_is_observed_not_counted() -> None:
    verdict = ENGINE.check_text("merde, j'ai raté mon bus")
    assert verdict and not verdict.acting
    assert not flagged_by_rules(verdict, "abuse")
