"""The report's closing recommendation, drawn from our users' playbook: where to put next week's effort.

Many arrivals but few of them becoming active (high visits, low conversion) means the community itself needs
care: welcome, answer, animate (community management). Most newcomers converting while the audience stagnates
means the community works but too few people hear of it: campaigns and content (social-media reach). The
thresholds are configuration (`[communities.report]`), and the advice names the figures that led to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.engagement import ReportSettings
from schedules.report.metrics import Number, share

COMMUNITY_MANAGEMENT = "community_management"
REACH = "reach"
STEADY = "steady"
TOO_FEW = "too_few"  # too few arrivals to judge conversion, and the audience is not stagnating


@dataclass(frozen=True, slots=True)
class Advice:
    kind: str  # community_management | reach | steady | too_few
    evidence: dict[str, Number]  # the figures behind it, by metric key
    basis: str = "community"  # traffic: real conversion rates; community: newcomers' activation as a stand-in
    rule: str = ""  # the rule that led to it (see schedules/report/conversion.py)
    source: str = ""  # where the figures come from, e.g. "Plausible (API)"


def growth_rate(numbers: dict[str, Number]) -> float | None:
    """Net growth relative to the members present when the week started (None when there were none)."""
    if "growth_rate" in numbers:
        value = numbers["growth_rate"]
        return None if value is None else float(value)
    return share(numbers.get("net_growth"), numbers.get("members_at_start"))


def advise(numbers: dict[str, Number], settings: ReportSettings) -> Advice:
    newcomers = numbers.get("newcomers") or 0
    activation = numbers.get("newcomer_activation")
    rate = growth_rate(numbers)
    stagnant = rate is not None and rate < settings.advice_stagnant_growth
    if newcomers >= settings.advice_min_joiners and activation is not None:
        if activation < settings.advice_low_activation:
            return Advice(COMMUNITY_MANAGEMENT, {"newcomers": newcomers, "newcomer_activation": activation})
        if activation >= settings.advice_high_activation and stagnant:
            return Advice(REACH, {"newcomer_activation": activation, "net_growth": numbers.get("net_growth"),
                                  "growth_rate": rate})
    elif stagnant:
        # Too few arrivals to judge conversion: the audience itself is not growing.
        return Advice(REACH, {"newcomers": newcomers, "net_growth": numbers.get("net_growth"), "growth_rate": rate})
    else:
        # Too few arrivals to say anything of conversion: saying "balanced" would claim what we cannot see.
        return Advice(TOO_FEW, {"newcomers": newcomers, "growth_rate": rate})
    return Advice(STEADY, {"newcomers": newcomers, "newcomer_activation": activation, "growth_rate": rate})
