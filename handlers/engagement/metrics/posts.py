"""Scheduled posts: how many went out, the engagement each earned, the best one, engagement by campaign and by
content pillar, and the calendar's cadence (published this week, scheduled for next week).

A post's engagement is the reactions, the replies and the distinct members among them that the log attributed
to its published message (the writer tags them with the post id), within 24 hours and within 7 days of its
publication; windows still open when the report is built count what has happened so far. Read from the
calendar's tables when the calendar is installed; without them every figure is zero.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import sqlite_utils

from handlers.engagement.metrics import Number, Ranked, Scope, table_exists
from handlers.engagement.migrations import EVENTS

WINDOWS = {"24h": 86_400, "7d": 7 * 86_400}
UPCOMING_STATUSES = ("scheduled", "pending_approval")


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="microseconds")


def _published(db: sqlite_utils.Database, scope: Scope) -> list[tuple]:
    start, end = scope.bounds
    where, params = scope.platform_filter("d.platform")
    return db.execute(
        "SELECT d.post_id, d.platform, d.finished_at, coalesce(p.campaign, ''), coalesce(p.pillar, ''), p.body"
        " FROM calendar_deliveries d JOIN calendar_posts p ON p.id = d.post_id"
        f" WHERE p.community = ? AND d.status = 'published' AND d.finished_at >= ? AND d.finished_at < ?{where}"
        " ORDER BY d.finished_at",
        [scope.community.id, _iso(start), _iso(end), *params],
    ).fetchall()


def _engagement(db: sqlite_utils.Database, post_id: int, platform: str, published: int, window: int) -> tuple[int, ...]:
    return db.execute(
        "SELECT coalesce(sum(kind = 'reaction'), 0), coalesce(sum(kind = 'reply'), 0), count(DISTINCT member_id)"
        f" FROM {EVENTS} WHERE post_id = ? AND platform = ? AND at >= ? AND at < ?"
        " AND kind IN ('reaction', 'reply')",
        [post_id, platform, published, published + window],
    ).fetchone()


def posts(db: sqlite_utils.Database, scope: Scope) -> tuple[dict[str, Number], dict[str, list[Ranked]]]:
    figures: dict[str, Number] = {"posts_published": 0, "posts_scheduled_next_week": 0}
    for window in WINDOWS:
        figures |= {f"post_reactions_{window}": 0, f"post_replies_{window}": 0, f"post_members_{window}": 0}
    lists: dict[str, list[Ranked]] = {"best_post": [], "by_campaign": [], "by_pillar": []}
    if not (table_exists(db, "calendar_deliveries") and table_exists(db, "calendar_posts")):
        return figures, lists
    by_campaign: dict[str, int] = defaultdict(int)
    by_pillar: dict[str, int] = defaultdict(int)
    best: tuple[int, Ranked] | None = None
    rows = _published(db, scope)
    figures["posts_published"] = len(rows)
    for post_id, platform, finished_at, campaign, pillar, body in rows:
        published = int(datetime.fromisoformat(finished_at).timestamp())
        for window, seconds in WINDOWS.items():
            reactions, replies, members = _engagement(db, post_id, platform, published, seconds)
            figures[f"post_reactions_{window}"] += reactions
            figures[f"post_replies_{window}"] += replies
            figures[f"post_members_{window}"] += members
        total = reactions + replies  # the 7-day window, computed last
        by_campaign[campaign or "-"] += total
        by_pillar[pillar or "-"] += total
        label = " ".join((body or "").split())[:60]
        if best is None or total > best[0]:
            best = (total, Ranked("post", platform, str(post_id), f"#{post_id} {label}".strip(), total))
    lists["best_post"] = [best[1]] if best else []
    lists["by_campaign"] = _ranked(by_campaign)
    lists["by_pillar"] = _ranked(by_pillar)
    figures["posts_scheduled_next_week"] = _scheduled_next_week(db, scope)
    return figures, lists


def _ranked(totals: dict[str, int]) -> list[Ranked]:
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [Ranked("label", "", name, name, value) for name, value in ordered]


def _scheduled_next_week(db: sqlite_utils.Database, scope: Scope) -> int:
    start, end = scope.week.shift(1).epoch_bounds(scope.tz)
    marks = ", ".join("?" for _ in UPCOMING_STATUSES)
    where, params = "", []
    if scope.platform is not None:
        where = " AND EXISTS (SELECT 1 FROM calendar_targets t WHERE t.post_id = p.id AND t.platform = ?)"
        params = [scope.platform]
    (count,) = db.execute(
        f"SELECT count(*) FROM calendar_posts p WHERE p.community = ? AND p.status IN ({marks})"
        f" AND p.next_due_at >= ? AND p.next_due_at < ?{where}",
        [scope.community.id, *UPCOMING_STATUSES, _iso(start), _iso(end), *params],
    ).fetchone()
    return count
