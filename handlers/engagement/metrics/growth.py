"""Growth: members joined, left, net growth, and how many members the community had at the week's end.

Joins and leaves come from the engagement log's own rows (daily roll-ups); the member count comes from the core
`members` table (present members: joined before the week's end, not left by then). CHAOSS has no single
definition for community size; ours counts platform accounts, so one person on both platforms counts twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from handlers.engagement.metrics import Number, Scope
from handlers.engagement.migrations import DAILY, MEMBER_WEEKS


def growth(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    days = [d.isoformat() for d in scope.days]
    where, params = scope.platform_filter()
    joined, left = db.execute(
        f"SELECT coalesce(sum(CASE WHEN kind = 'join' THEN events END), 0),"
        f" coalesce(sum(CASE WHEN kind = 'leave' THEN events END), 0) FROM {DAILY}"
        f" WHERE community = ? AND day >= ? AND day <= ? AND kind IN ('join', 'leave'){where}",
        [scope.community.id, days[0], days[-1], *params],
    ).fetchone()
    return {"joined": joined, "left": left, "net_growth": joined - left, "members": members_at_end(db, scope)}


def members_at_end(db: sqlite_utils.Database, scope: Scope) -> int | None:
    """Members present when the week ended; None when the bot knows of no member at all.

    Members active in the week but unknown to the `members` table (they joined before the bot) are added, so
    the share of active members never exceeds 100 %.
    """
    end = datetime.fromtimestamp(scope.bounds[1], UTC).isoformat()
    where, params = scope.platform_filter()
    known, present = db.execute(
        "SELECT count(*), coalesce(sum((joined_at IS NULL OR joined_at < ?) AND (left_at IS NULL OR left_at >= ?)), 0)"
        f" FROM members WHERE community = ?{where}",
        [end, end, scope.community.id, *params],
    ).fetchone()
    week_where, _ = scope.platform_filter("w.platform")
    (unknown_active,) = db.execute(
        f"SELECT count(*) FROM {MEMBER_WEEKS} w WHERE w.community = ? AND w.week = ?{week_where}"
        " AND NOT EXISTS (SELECT 1 FROM members m WHERE m.community = w.community AND m.platform = w.platform"
        " AND m.member_id = w.member_id)",
        [scope.community.id, str(scope.week), *params],
    ).fetchone()
    return present + unknown_active if known or unknown_active else None
