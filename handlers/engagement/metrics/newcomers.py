"""Newcomers: activation (the share of the week's joiners who posted or replied that week) and retention (the
share of the members who joined in the 4 weeks before who were active this week, reactions included).

Joins are read from the raw log by the (community, kind, at) index: joins are few, so the scan is short.
"""

from __future__ import annotations

import sqlite_utils

from handlers.engagement.metrics import Number, Scope, share
from handlers.engagement.migrations import EVENTS, MEMBER_WEEKS

RETENTION_WEEKS = 4


def _joiners_active(
    db: sqlite_utils.Database, scope: Scope, start: int, end: int, posted_only: bool
) -> tuple[int, int]:
    where, params = scope.platform_filter("j.platform")
    condition = " AND w.messages + w.replies > 0" if posted_only else ""
    joiners, active = db.execute(
        "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM " + MEMBER_WEEKS + " w WHERE w.community = j.community"
        f" AND w.week = ? AND w.platform = j.platform AND w.member_id = j.member_id{condition})), 0)"
        f" FROM (SELECT DISTINCT community, platform, member_id FROM {EVENTS} j"
        f" WHERE community = ? AND kind = 'join' AND at >= ? AND at < ?{where}) AS j",
        [str(scope.week), scope.community.id, start, end, *params],
    ).fetchone()
    return joiners, active


def newcomers(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    start, end = scope.bounds
    joiners, activated = _joiners_active(db, scope, start, end, posted_only=True)
    earlier_start, _ = scope.week.shift(-RETENTION_WEEKS).epoch_bounds(scope.tz)
    recent, retained = _joiners_active(db, scope, earlier_start, start, posted_only=False)
    return {
        "newcomers": joiners,
        "newcomers_activated": activated,
        "newcomer_activation": share(activated, joiners),
        "recent_newcomers": recent,
        "newcomers_retained": retained,
        "newcomer_retention": share(retained, recent),
    }
