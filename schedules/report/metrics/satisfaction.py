"""Satisfaction: the week's NPS and CSAT, each with its number of answers and its 95 % margin.

The answers of a week are those given (or last changed) in it, of every survey of the kind, on the scope's
platforms, read through the surveys' owner (`handlers/surveys/ledger.week_scores`): scores only, no member id.
Below `surveys.report_min_answers` answers the score and its margin are None ("n/a") and only the count is
given, so that a score never tells what one or two members answered. The formulas are in
`handlers/surveys/scores.py` and docs/loyalty.md.
"""

from __future__ import annotations

import sqlite_utils

from handlers.surveys.ledger import available, week_scores
from handlers.surveys.scores import csat, nps
from schedules.report.metrics import Number, Scope

KEYS = ("nps", "nps_margin", "nps_answers", "csat", "csat_low", "csat_high", "csat_answers")


def satisfaction(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    """Every figure is None ("n/a") when the surveys feature is not installed."""
    if not available(db):
        return dict.fromkeys(KEYS)
    start, end = scope.bounds
    enough = scope.community.surveys.report_min_answers
    community = scope.community.id
    figures: dict[str, Number] = {}
    nps_scores = week_scores(db, community, "nps", start, end, scope.platform)
    found = nps(nps_scores) if len(nps_scores) >= enough else None
    figures |= {"nps": found.score if found else None, "nps_margin": found.margin if found else None,
                "nps_answers": len(nps_scores)}
    csat_scores = week_scores(db, community, "csat", start, end, scope.platform)
    share = csat(csat_scores) if len(csat_scores) >= enough else None
    figures |= {"csat": share.share if share else None, "csat_low": share.low if share else None,
                "csat_high": share.high if share else None, "csat_answers": len(csat_scores)}
    return figures
