"""The recommendation on real conversion rates, and the community-based stand-in when traffic is unknown.

The users' playbook: low conversion rates with more visits → invest in community management (people come
but do not convert: welcome, answer, animate); high conversion rates with a stagnant audience → invest in
social-media reach (those who come convert, too few come). When the web analytics cover the whole week, the
rule is applied to the community's traffic: conversion rate = conversions ÷ visits from the community, and
visit volume against the average of the weeks before, all thresholds from `[communities.traffic]`. Otherwise
the advice is today's, drawn from newcomers' activation in the community, and says that it is a stand-in.
Every advice names its rule, its figures and their source.
"""

from __future__ import annotations

from dataclasses import replace

from config.settings import Community
from schedules.report.advice import COMMUNITY_MANAGEMENT, REACH, STEADY, TOO_FEW, Advice, advise
from schedules.report.metrics import Number
from schedules.report.traffic import TrafficFigures

TRAFFIC = "traffic"
STAND_IN = "community"

# The rules, by name (each has its sentence in the catalogues under traffic.rule.*).
LOW_CONVERSION_MORE_VISITS = "low_conversion_more_visits"
HIGH_CONVERSION_STAGNANT = "high_conversion_stagnant_visits"
TOO_FEW_VISITS = "too_few_visits"
NO_RULE = "no_rule_applies"
# Why the stand-in was used (traffic.stand_in.*).
NO_TRAFFIC = "no_traffic"
INCOMPLETE_WEEK = "incomplete_week"
NO_CONVERSIONS = "no_conversions"


def advise_on_traffic(traffic: TrafficFigures, community: Community) -> Advice:
    """The rule applied to a week the analytics cover entirely, with conversions counted."""
    settings = community.traffic
    mine = traffic.this.community
    rate = mine.conversion_rate
    growth = traffic.visit_growth()
    evidence: dict[str, Number] = {
        "traffic_visits": mine.visits,
        "traffic_conversions": mine.conversions,
        "traffic_conversion_rate": rate,
        "traffic_visits_before": traffic.visits_before(),
        "traffic_visit_growth": growth,
    }

    def advice(kind: str, rule: str) -> Advice:
        return Advice(kind, evidence, basis=TRAFFIC, rule=rule, source=traffic.origin)

    if mine.visits < settings.advice_min_visits or rate is None:
        return advice(TOO_FEW, TOO_FEW_VISITS)
    if rate < settings.advice_low_conversion and growth is not None and growth >= settings.advice_growing_visits:
        return advice(COMMUNITY_MANAGEMENT, LOW_CONVERSION_MORE_VISITS)
    if rate >= settings.advice_high_conversion and growth is not None and growth < settings.advice_stagnant_visits:
        return advice(REACH, HIGH_CONVERSION_STAGNANT)
    return advice(STEADY, NO_RULE)


def stand_in_reason(traffic: TrafficFigures | None) -> str | None:
    """Why the traffic cannot carry the advice this week (None: it can)."""
    if traffic is None:
        return NO_TRAFFIC
    if not traffic.this.known:
        return INCOMPLETE_WEEK
    if traffic.this.community.conversions is None:
        return NO_CONVERSIONS
    return None


def recommend(numbers: dict[str, Number], traffic: TrafficFigures | None, community: Community) -> Advice:
    reason = stand_in_reason(traffic)
    if reason is None:
        assert traffic is not None
        return advise_on_traffic(traffic, community)
    fallback = advise(numbers, community.report)
    return replace(fallback, basis=STAND_IN, rule=reason)
