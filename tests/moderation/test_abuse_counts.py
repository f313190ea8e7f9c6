"""What the abuse and spam figures count as the rules' flag: a hit of a rule that claims it, acted on. Style
rules (capitals, emoji) and shadow hits (swearing at no one) are no claim of abuse; an insult or capitals are
no claim of spam."""

from __future__ import annotations

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.training.models import flagged_by_rules

ENGINE = build_engine(ModerationSettings())


def test_an_insult_counts_for_abuse_not_for_spam() -> None:
    verdict = ENGINE.check_text("you are a fucking idiot")
    assert flagged_by_rules(verdict, "abuse") and not flagged_by_rules(verdict, "spam")


def test_a_pitch_counts_for_spam_not_for_abuse() -> None:
    verdict = ENGINE.check_text("FREE entry! Claim your prize now: txt WIN to 80086, winner guaranteed")
    assert flagged_by_rules(verdict, "spam") and not flagged_by_rules(verdict, "abuse")


def test_shouting_is_a_flag_but_no_abuse() -> None:
    verdict = ENGINE.check_text("THIS IS THE BEST DAY OF MY WHOLE LIFE")
    assert verdict.acting and [hit.rule for hit in verdict.hits] == ["caps"]
    assert not flagged_by_rules(verdict, "abuse")
    assert not flagged_by_rules(verdict, "spam")


def test_swearing_at_no_one_is_observed_not_counted() -> None:
    verdict = ENGINE.check_text("merde, j'ai raté mon bus")
    assert verdict and not verdict.acting
    assert not flagged_by_rules(verdict, "abuse")
