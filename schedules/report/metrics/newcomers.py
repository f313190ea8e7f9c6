"""Newcomers: activation (the share of the week's joiners who posted or replied that week) and retention (the
share of the members who joined in the 4 weeks before who were active this week, reactions included)."""

from __future__ import annotations

from schedules.report.metrics import Number, share
from schedules.report.metrics.counts import WeekCounts


def newcomers(members: WeekCounts) -> dict[str, Number]:
    return {
        "newcomers": members.joined,
        "newcomers_activated": members.activated,
        "newcomer_activation": share(members.activated, members.joined),
        "recent_newcomers": members.recent,
        "newcomers_retained": members.retained,
        "newcomer_retention": share(members.retained, members.recent),
    }
