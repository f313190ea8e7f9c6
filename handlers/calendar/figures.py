"""What the calendar's tables tell the weekly report: the deliveries published in a week and the posts due soon.

The report reads the calendar through these functions (the calendar owns `calendar_posts`, `calendar_targets`
and `calendar_deliveries`); instants are compared as the calendar's fixed-width UTC stamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from handlers.calendar.posts import stamp

TABLES = ("calendar_posts", "calendar_targets", "calendar_deliveries")


@dataclass(frozen=True, slots=True)
class Published:
    """One delivery of a post that went out: which post, where, when, and the post's campaign, pillar and words."""

    post_id: int
    platform: str
    at: datetime
    campaign: str
    pillar: str
    body: str | None


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A post still to go out: its schedule and how many occurrences it has used."""

    cron: str | None
    timezone: str | None
    next_due_at: datetime
    until: datetime | None
    max_count: int | None
    occurrences_done: int


def installed(db: sqlite_utils.Database) -> bool:
    """Whether the calendar's tables exist (the feature may not be installed)."""
    names = set(db.table_names())
    return all(name in names for name in TABLES)


def published_between(db: sqlite_utils.Database, community: str, start: datetime, end: datetime,
                      platform: str | None = None) -> list[Published]:
    """Deliveries published in [start, end), oldest first, on `platform` or on every platform."""
    where, params = ("", []) if platform is None else (" AND d.platform = ?", [platform])
    rows = db.execute(
        "SELECT d.post_id, d.platform, d.finished_at, coalesce(p.campaign, ''), coalesce(p.pillar, ''), p.body"
        " FROM calendar_deliveries d JOIN calendar_posts p ON p.id = d.post_id"
        f" WHERE p.community = ? AND d.status = 'published' AND d.finished_at >= ? AND d.finished_at < ?{where}"
        " ORDER BY d.finished_at",
        [community, stamp(start), stamp(end), *params],
    ).fetchall()
    return [Published(post_id, name, datetime.fromisoformat(at), campaign, pillar, body)
            for post_id, name, at, campaign, pillar, body in rows]


def due_before(db: sqlite_utils.Database, community: str, statuses: tuple[str, ...], before: datetime,
               platform: str | None = None) -> list[Upcoming]:
    """Posts in one of `statuses` whose next occurrence is due before `before`, targeting `platform` if given."""
    marks = ", ".join("?" for _ in statuses)
    where, params = "", []
    if platform is not None:
        where = " AND EXISTS (SELECT 1 FROM calendar_targets t WHERE t.post_id = p.id AND t.platform = ?)"
        params = [platform]
    rows = db.execute(
        "SELECT p.cron, p.timezone, p.next_due_at, p.until, p.max_count, p.occurrences_done FROM calendar_posts p"
        f" WHERE p.community = ? AND p.status IN ({marks}) AND p.next_due_at IS NOT NULL AND p.next_due_at < ?"
        f"{where}",
        [community, *statuses, stamp(before), *params],
    ).fetchall()
    return [Upcoming(cron, timezone, datetime.fromisoformat(next_due), datetime.fromisoformat(until) if until else None,
                     max_count, done or 0)
            for cron, timezone, next_due, until, max_count, done in rows]
