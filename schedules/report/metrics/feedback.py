"""Feedback received: messages and replies posted in the channels listed under `channels.feedback`, plus the
messages elsewhere that a community manager marked with the configured reaction (each counted once)."""

from __future__ import annotations

import sqlite_utils

from handlers.engagement.migrations import DAILY, EVENTS
from schedules.report.metrics import Number, Scope, in_pairs


def feedback(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    days = [d.isoformat() for d in scope.days]
    pairs = scope.channels("feedback")
    pairs_sql, pair_params = in_pairs("platform", "channel_id", pairs)
    (in_channels,) = db.execute(
        f"SELECT coalesce(sum(events), 0) FROM {DAILY} WHERE community = ? AND day >= ? AND day <= ?"
        f" AND kind IN ('message', 'reply'){pairs_sql}",
        [scope.community.id, days[0], days[-1], *pair_params],
    ).fetchone()
    start, end = scope.bounds
    where, params = scope.platform_filter()
    outside = f" AND NOT ({pairs_sql.removeprefix(' AND ')})" if pairs else ""
    (marked,) = db.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT platform, channel_id, target_id FROM {EVENTS}"
        f" WHERE community = ? AND kind = 'feedback_mark' AND at >= ? AND at < ?{where}{outside})",
        [scope.community.id, start, end, *params, *(pair_params if pairs else [])],
    ).fetchone()
    return {"feedback": in_channels + marked, "feedback_marked": marked}
