"""Time to first response in help and support channels (CHAOSS "Time to First Response").

A question is a top-level message (not a reply) posted in a channel listed under `channels.help` (rows are marked
as help rows when logged, so a channel added to the list counts from then on); its first
response is the earliest reply to it (a thread reply or a reply-to) by another member. We report the median and
the 90th percentile of the delay over the week's answered questions, and the share of the week's questions that
had no response within 24 hours (counting only questions at least 24 hours old when the report is built).
"""

from __future__ import annotations

import statistics

import sqlite_utils

from handlers.engagement.migrations import EVENTS
from schedules.report.metrics import Number, Scope, share

DAY = 86_400


def percentile(values: list[int], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without floats drifting
    return float(ordered[int(rank) - 1])


def _help_rows(db: sqlite_utils.Database, scope: Scope, kind: str, start: int, end: int) -> list[tuple]:
    """Rows of `kind` logged in a help channel between `start` and `end` (a small partial index)."""
    where, params = scope.platform_filter()
    target = "message_id" if kind == "message" else "target_id"
    return db.execute(
        f"SELECT platform, channel_id, {target}, member_id, at FROM {EVENTS}"
        f" WHERE community = ? AND kind = ? AND at >= ? AND at < ? AND help = 1{where}",
        [scope.community.id, kind, start, end, *params],
    ).fetchall()


def first_response(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    start, end = scope.bounds
    questions = _help_rows(db, scope, "message", start, end)
    now = int(scope.now.timestamp())
    first: dict[tuple[str, str, str], int] = {}
    if questions:
        askers = {(p, c, m): (who, at) for p, c, m, who, at in questions}
        for platform, channel, target, who, at in _help_rows(db, scope, "reply", start, now + 1):
            asked = askers.get((platform, channel, target))
            if asked is None or who == asked[0] or at < asked[1]:
                continue
            key = (platform, channel, target)
            first[key] = min(first.get(key, at), at)
    delays = [first[(p, c, m)] - at for p, c, m, _, at in questions if (p, c, m) in first]
    old_enough = [(p, c, m, at) for p, c, m, _, at in questions if at + DAY <= now]
    unanswered = sum(1 for p, c, m, at in old_enough if first.get((p, c, m), at + DAY + 1) - at > DAY)
    return {
        "help_questions": len(questions),
        "first_response_median_s": float(statistics.median(delays)) if delays else None,
        "first_response_p90_s": percentile(delays, 0.9),
        "unanswered_24h_share": share(unanswered, len(old_enough)),
    }
