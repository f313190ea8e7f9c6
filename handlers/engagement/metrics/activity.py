"""Activity: active members (CHAOSS "Active Contributors", here anyone who posted, replied or reacted), their
share of the members, messages, replies and reactions, the top channels, the top contributors (the ambassadors
to thank) and the regulars slipping away.

Counts come from the daily roll-ups and members from the member-week roll-ups, so a week costs a few thousand
rows at most, whatever the size of the raw log.
"""

from __future__ import annotations

import math

import sqlite_utils

from handlers.engagement.metrics import Number, Ranked, Scope, member_labels
from handlers.engagement.migrations import DAILY, MEMBER_WEEKS

REGULAR_WINDOW_WEEKS = 6


def activity(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    days = [d.isoformat() for d in scope.days]
    where, params = scope.platform_filter()
    messages, replies, reactions = db.execute(
        "SELECT coalesce(sum(CASE WHEN kind = 'message' THEN events END), 0),"
        " coalesce(sum(CASE WHEN kind = 'reply' THEN events END), 0),"
        f" coalesce(sum(CASE WHEN kind = 'reaction' THEN events END), 0) FROM {DAILY}"
        f" WHERE community = ? AND day >= ? AND day <= ? AND kind IN ('message', 'reply', 'reaction'){where}",
        [scope.community.id, days[0], days[-1], *params],
    ).fetchone()
    (active,) = db.execute(
        f"SELECT count(*) FROM {MEMBER_WEEKS} WHERE community = ? AND week = ?{where}",
        [scope.community.id, str(scope.week), *params],
    ).fetchone()
    return {"active_members": active, "messages": messages, "replies": replies, "reactions": reactions}


def top_channels(db: sqlite_utils.Database, scope: Scope) -> list[Ranked]:
    """Channels with the most messages and replies in the week."""
    days = [d.isoformat() for d in scope.days]
    where, params = scope.platform_filter()
    rows = db.execute(
        f"SELECT platform, channel_id, sum(events) AS n FROM {DAILY}"
        f" WHERE community = ? AND day >= ? AND day <= ? AND kind IN ('message', 'reply'){where}"
        " GROUP BY platform, channel_id ORDER BY n DESC, channel_id LIMIT ?",
        [scope.community.id, days[0], days[-1], *params, scope.top_count],
    ).fetchall()
    return [Ranked("channel", p, c, c, n) for p, c, n in rows]


def top_contributors(db: sqlite_utils.Database, scope: Scope) -> list[Ranked]:
    """Members with the most messages and replies in the week (reactions break ties)."""
    where, params = scope.platform_filter()
    rows = db.execute(
        f"SELECT platform, member_id, messages + replies AS posts FROM {MEMBER_WEEKS}"
        f" WHERE community = ? AND week = ?{where} AND messages + replies > 0"
        " ORDER BY posts DESC, reactions DESC, member_id LIMIT ?",
        [scope.community.id, str(scope.week), *params, scope.top_count],
    ).fetchall()
    labels = member_labels(db, scope.community.id, [(p, m) for p, m, _ in rows])
    return [Ranked("member", p, m, labels[(p, m)], n) for p, m, n in rows]


def silent_weeks(scope: Scope) -> int:
    return max(1, math.ceil(scope.community.engagement.slipping_silence_days / 7))


def slipping_away(db: sqlite_utils.Database, scope: Scope) -> tuple[int, list[Ranked]]:
    """Regulars gone quiet: active in at least `slipping_regular_weeks` of the 6 weeks before the silence, and
    not at all during the silence (the last ceil(silence_days / 7) weeks, the report's week included)."""
    silence = silent_weeks(scope)
    quiet = [str(scope.week.shift(-i)) for i in range(silence)]
    before = [str(scope.week.shift(-silence - i)) for i in range(REGULAR_WINDOW_WEEKS)]
    where, params = scope.platform_filter()
    weeks = [*quiet, *before]
    marks = ", ".join("?" for _ in weeks)
    quiet_marks = ", ".join("?" for _ in quiet)
    # One pass over the 8 weeks of member-weeks: regular before, and silent since.
    rows = db.execute(
        f"SELECT platform, member_id, count(*) AS weeks FROM {MEMBER_WEEKS}"
        f" WHERE community = ? AND week IN ({marks}){where} GROUP BY platform, member_id"
        f" HAVING weeks >= ? AND max(week IN ({quiet_marks})) = 0 ORDER BY weeks DESC, member_id",
        [scope.community.id, *weeks, *params, scope.community.engagement.slipping_regular_weeks, *quiet],
    ).fetchall()
    shown = rows[: scope.top_count]
    labels = member_labels(db, scope.community.id, [(p, m) for p, m, _ in shown])
    return len(rows), [Ranked("member", p, m, labels[(p, m)], n) for p, m, n in shown]
