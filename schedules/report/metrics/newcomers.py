"""Newcomers: activation (the share of the week's joiners who posted or replied that week) and retention (the
share of the members who joined in the 4 weeks before who were active this week, reactions included)."""

from __future__ import annotations

import sqlite_utils

from schedules.report.metrics import Number, Scope, share
from schedules.report.metrics.people import Identify, Membership, joined_between

RETENTION_WEEKS = 4


def newcomers(db: sqlite_utils.Database, scope: Scope, members: Membership, who: Identify) -> dict[str, Number]:
    start, _ = scope.bounds
    earlier_start, _ = scope.week.shift(-RETENTION_WEEKS).epoch_bounds(scope.tz)
    recent = joined_between(db, scope, earlier_start, start, who)
    activated = members.joined & members.posted
    retained = recent & members.active
    return {
        "newcomers": len(members.joined),
        "newcomers_activated": len(activated),
        "newcomer_activation": share(len(activated), len(members.joined)),
        "recent_newcomers": len(recent),
        "newcomers_retained": len(retained),
        "newcomer_retention": share(len(retained), len(recent)),
    }
