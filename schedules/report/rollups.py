"""Daily and weekly roll-ups of the engagement log: what keeps a report fast over years of rows.

A period (a local day, an ISO week) is computed from the raw rows once it has ended (plus a grace for the last
buffered writes) and is then *final*: later reports read the roll-up and never scan its raw rows again. A
period still running is recomputed each time it is asked for, so an on-demand report of the current week is
exact. Daily counts hold no member id and outlive the raw rows' retention; member-weeks are purged with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from handlers.engagement.migrations import DAILY, DAILY_ACTIVE, EVENTS, MEMBER_WEEKS, ROLLUPS
from schedules.report.weeks import IsoWeek, day_epoch_bounds

FINAL_GRACE_SECONDS = 120  # the writer flushes at least every second; two minutes covers a slow disk
_ACTIVE = "('message', 'reply', 'reaction')"


def _final_periods(db: sqlite_utils.Database, community: str, periods: list[str]) -> set[str]:
    if not periods:
        return set()
    marks = ", ".join("?" for _ in periods)
    rows = db.execute(
        f"SELECT period FROM {ROLLUPS} WHERE community = ? AND period IN ({marks})", [community, *periods]
    ).fetchall()
    return {r[0] for r in rows}


def _mark_final(db: sqlite_utils.Database, community: str, period: str, span: tuple[int, int],
                now: datetime) -> None:
    db.execute(
        f"INSERT OR REPLACE INTO {ROLLUPS} (community, period, final_at, start_epoch, end_epoch)"
        " VALUES (?, ?, ?, ?, ?)",
        [community, period, now.astimezone(UTC).isoformat(timespec="seconds"), *span],
    )


def _roll_day(db: sqlite_utils.Database, community: str, day: date, tz: ZoneInfo) -> None:
    start, end = day_epoch_bounds(day, tz)
    label = day.isoformat()
    db.execute(f"DELETE FROM {DAILY} WHERE community = ? AND day = ?", [community, label])
    db.execute(f"DELETE FROM {DAILY_ACTIVE} WHERE community = ? AND day = ?", [community, label])
    db.execute(
        f"INSERT INTO {DAILY} (community, platform, day, channel_id, kind, events)"
        f" SELECT community, platform, ?, channel_id, kind, count(*) FROM {EVENTS}"
        " WHERE community = ? AND kind IN ('message', 'reply', 'reaction', 'join', 'leave', 'feedback_mark')"
        " AND at >= ? AND at < ? GROUP BY platform, channel_id, kind",
        [label, community, start, end],
    )
    db.execute(
        f"INSERT INTO {DAILY_ACTIVE} (community, platform, day, active_members, posts)"
        f" SELECT community, platform, ?, count(DISTINCT member_id), sum(kind IN ('message', 'reply')) FROM {EVENTS}"
        f" WHERE community = ? AND kind IN {_ACTIVE} AND at >= ? AND at < ? GROUP BY platform",
        [label, community, start, end],
    )


def _roll_week(db: sqlite_utils.Database, community: str, week: IsoWeek, tz: ZoneInfo) -> None:
    start, end = week.epoch_bounds(tz)
    db.execute(f"DELETE FROM {MEMBER_WEEKS} WHERE community = ? AND week = ?", [community, str(week)])
    db.execute(
        f"INSERT INTO {MEMBER_WEEKS} (community, platform, week, member_id, messages, replies, reactions)"
        " SELECT community, platform, ?, member_id, sum(kind = 'message'), sum(kind = 'reply'),"
        f" sum(kind = 'reaction') FROM {EVENTS}"
        f" WHERE community = ? AND kind IN {_ACTIVE} AND at >= ? AND at < ? GROUP BY platform, member_id",
        [str(week), community, start, end],
    )


def ensure_days(db: sqlite_utils.Database, community: str, days: Iterable[date], tz: ZoneInfo,
                now: datetime) -> None:
    """Make the daily roll-ups of `days` current (final days are left alone; future days are skipped)."""
    wanted = sorted(set(days))
    final = _final_periods(db, community, [f"d:{d.isoformat()}" for d in wanted])
    now_epoch = now.timestamp()
    with db.atomic():
        for day in wanted:
            period = f"d:{day.isoformat()}"
            start, end = day_epoch_bounds(day, tz)
            if period in final or start > now_epoch:
                continue
            _roll_day(db, community, day, tz)
            if end + FINAL_GRACE_SECONDS <= now_epoch:
                _mark_final(db, community, period, (start, end), now)


def ensure_weeks(db: sqlite_utils.Database, community: str, weeks: Iterable[IsoWeek], tz: ZoneInfo,
                 now: datetime) -> None:
    """Make the member-week roll-ups of `weeks` current, as `ensure_days` does for days."""
    wanted = sorted(set(weeks))
    final = _final_periods(db, community, [f"w:{w}" for w in wanted])
    now_epoch = now.timestamp()
    with db.atomic():
        for week in wanted:
            period = f"w:{week}"
            start, end = week.epoch_bounds(tz)
            if period in final or start > now_epoch:
                continue
            _roll_week(db, community, week, tz)
            if end + FINAL_GRACE_SECONDS <= now_epoch:
                _mark_final(db, community, period, (start, end), now)
