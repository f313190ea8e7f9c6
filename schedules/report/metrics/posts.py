"""Scheduled posts: how many went out, the engagement each earned, the best one, engagement by campaign and by
content pillar, and the calendar's cadence (published this week, scheduled for next week).

A post's engagement is the reactions, the replies and the distinct members among them that the log attributed
to its published message (the writer tags them with the post id), within 24 hours and within 7 days of its
publication; windows still open when the report is built count what has happened so far. Read through the
calendar's `handlers/calendar/figures.py` when the calendar is installed; without it every figure is zero.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlite_utils

from handlers.calendar import figures as calendar
from handlers.calendar.recurrence import Recurrence
from handlers.engagement.migrations import EVENTS
from schedules.report.metrics import Number, Ranked, Scope
from schedules.report.weeks import IsoWeek

WINDOWS = {"24h": 86_400, "7d": 7 * 86_400}
NONE_LABEL = "-"  # the campaign or pillar line of posts that have none
UPCOMING_STATUSES = ("scheduled", "pending_approval")


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _engagement(db: sqlite_utils.Database, post_id: int, platform: str, published: int, window: int) -> tuple[int, ...]:
    return db.execute(
        "SELECT coalesce(sum(kind = 'reaction'), 0), coalesce(sum(kind = 'reply'), 0), count(DISTINCT member_id)"
        f" FROM {EVENTS} WHERE post_id = ? AND platform = ? AND at >= ? AND at < ?"
        " AND kind IN ('reaction', 'reply')",
        [post_id, platform, published, published + window],
    ).fetchone()


def posts(db: sqlite_utils.Database, scope: Scope) -> tuple[dict[str, Number], dict[str, list[Ranked]]]:
    figures: dict[str, Number] = {"posts_published": 0,
                                  "posts_scheduled_next_week": 0 if upcoming_window(scope) else None}
    counted: dict[str, int] = {}  # reactions, replies and members per window, summed over the week's posts
    for window in WINDOWS:
        counted |= {f"post_reactions_{window}": 0, f"post_replies_{window}": 0, f"post_members_{window}": 0}
    figures |= counted
    lists: dict[str, list[Ranked]] = {"best_post": [], "by_campaign": [], "by_pillar": []}
    if not calendar.installed(db):
        return figures, lists
    by_campaign: dict[str, int] = defaultdict(int)
    by_pillar: dict[str, int] = defaultdict(int)
    best: tuple[int, Ranked] | None = None
    start, end = scope.bounds
    rows = calendar.published_between(db, scope.community.id, _at(start), _at(end), scope.platform)
    figures["posts_published"] = len(rows)
    for row in rows:
        post_id, platform, campaign, pillar, body = row.post_id, row.platform, row.campaign, row.pillar, row.body
        published = int(row.at.timestamp())
        for window, seconds in WINDOWS.items():
            reactions, replies, members = _engagement(db, post_id, platform, published, seconds)
            counted[f"post_reactions_{window}"] += reactions
            counted[f"post_replies_{window}"] += replies
            counted[f"post_members_{window}"] += members
        total = reactions + replies  # the 7-day window, computed last
        by_campaign[campaign or NONE_LABEL] += total
        by_pillar[pillar or NONE_LABEL] += total
        if total > 0 and (best is None or total > best[0]):
            best = (total, Ranked("post", platform, str(post_id), post_label(post_id, body), total))
    lists["best_post"] = [best[1]] if best else []
    lists["by_campaign"] = _ranked(by_campaign)
    lists["by_pillar"] = _ranked(by_pillar)
    figures |= counted
    figures["posts_scheduled_next_week"] = _scheduled_next_week(db, scope)
    return figures, lists


TITLE_CHARS = 60
URL_CHARS = 300  # a longer link is left out rather than cut: a cut link leads nowhere
_URL = re.compile(r"https?://\S+")


def post_label(post_id: int, body: str | None) -> str:
    """`Title of the post… https://its.link/whole`: the post's words cut at a word boundary, never inside a
    link, then its first link whole The post's number goes in front where it is
    shown, in the reader's typography (« n° 12 », "#12")."""
    text = " ".join((body or "").split())
    links = _URL.findall(text)
    words = " ".join(_URL.sub(" ", text).split())
    if len(words) > TITLE_CHARS:
        cut = words[:TITLE_CHARS].rsplit(" ", 1)[0] or words[:TITLE_CHARS]
        words = cut.rstrip(" ,;:.-") + "…"
    link = next((u for u in links if len(u) <= URL_CHARS), "")
    return " ".join(part for part in (words, link) if part)


def _ranked(totals: dict[str, int]) -> list[Ranked]:
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [Ranked("label", "", name, name, value) for name, value in ordered]


def upcoming_window(scope: Scope) -> tuple[datetime, datetime] | None:
    """The coming week the cadence speaks of: the 7 days from the report's own time. Only a report of the
    week that just ended (or of the running week) has one; a report of an older or a future week does not."""
    current = IsoWeek.containing(scope.now, scope.tz)
    if scope.week not in (current, current.shift(-1)):
        return None
    return scope.now, scope.now + timedelta(days=7)


def _occurrences(cron: str | None, timezone: str, next_due: datetime, until: datetime | None, left: int | None,
                 window: tuple[datetime, datetime]) -> int:
    """How many times a post goes out within `window`: once for a one-shot post, each occurrence of a
    recurring one (within its end date and its remaining count)."""
    start, end = window
    if not cron:
        return int(start <= next_due < end)
    recurrence = Recurrence.build(cron, timezone, until=until)
    count = 0
    for instant in recurrence.occurrences(next_due):
        if instant >= end or (left is not None and count >= left):
            break
        count += instant >= start
    return count


def _scheduled_next_week(db: sqlite_utils.Database, scope: Scope) -> int | None:
    window = upcoming_window(scope)
    if window is None:
        return None
    upcoming = calendar.due_before(db, scope.community.id, UPCOMING_STATUSES, window[1], scope.platform)
    total = 0
    for post in upcoming:
        left = None if post.max_count is None else max(0, post.max_count - post.occurrences_done)
        total += _occurrences(post.cron, post.timezone or scope.community.timezone, post.next_due_at, post.until,
                              left, window)
    return total
