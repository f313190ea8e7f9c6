"""The week's member counts, rolled up once the week has ended: what growth, activity and newcomers report.

Who was a member when a week started and ended is a question about every member (each is placed in or out of
the week from its joins, leaves and first activity), so reading it at report time cost as much as the
community is large, twice per scope (this week and the one before). Once a week has ended (plus the writer's
grace) its counts only change if a row before its end is written late or erased, and both reopen the period
in the roll-up ledger (its span starts at the beginning of time): the nightly roll-up, or the first report
that needs it, computes them again from the same functions the report used, and the report reads one row.

The roll-up counts *accounts*. In the all-platforms figures accounts linked with `/privacy link` are one member,
and a link can be made at any time, so the report corrects the rolled-up counts at read time: the linked
accounts' part is taken out and put back counted by person, from those few accounts' rows alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, fields

import sqlite_utils

from handlers.engagement.migrations import WEEK_COUNTS
from schedules.report.metrics import Scope
from schedules.report.metrics.counts import RETENTION_WEEKS, WeekCounts, counted
from schedules.report.metrics.people import (
    Identify,
    Narrow,
    accounts_filter,
    joined_between,
    linked_accounts,
    membership,
)
from schedules.report.rollups import FINAL_GRACE_SECONDS, _final_periods, _mark_final, ensure_weeks
from schedules.report.weeks import IsoWeek

_BEGINNING = -(2**62)  # the span's start: a row erased at any time before the week's end reopens it
_COLUMNS = [f.name for f in fields(WeekCounts)]


def _account(platform: str, member_id: str) -> str:
    return f"{platform}:{member_id}"


def live(db: sqlite_utils.Database, scope: Scope, who: Identify, narrow: Narrow | None = None) -> WeekCounts:
    """The counts read from the log and its per-member roll-ups (the exact definition the roll-up stores)."""
    start, _ = scope.bounds
    earlier_start, _ = scope.week.shift(-RETENTION_WEEKS).epoch_bounds(scope.tz)
    recent = joined_between(db, scope, earlier_start, start, who, narrow)
    return counted(membership(db, scope, who, narrow), recent)


def _period(week: IsoWeek) -> str:
    return f"c:{week}"


def _label(platform: str | None) -> str:
    return platform or "all"


def ensure(db: sqlite_utils.Database, scopes: Iterable[Scope]) -> None:
    """Roll up the counts of the scopes' weeks that have ended and are not final yet (all scopes of one week
    together: they share one period). Counts accounts, as the module's docstring says."""
    by_week: dict[IsoWeek, list[Scope]] = {}
    for scope in scopes:
        by_week.setdefault(scope.week, []).append(scope)
    for week, members in by_week.items():
        first = members[0]
        community = first.community.id
        _, end = week.epoch_bounds(first.tz)
        if end + FINAL_GRACE_SECONDS > first.now.timestamp() or _final_periods(db, community, [_period(week)]):
            continue
        ensure_weeks(db, community, [week], first.tz, first.now)  # the week's active members are read there
        rows = [(scope, live(db, scope, _account)) for scope in members]
        with db.atomic():
            db.execute(f"DELETE FROM {WEEK_COUNTS} WHERE community = ? AND week = ?", [community, str(week)])
            for scope, figures in rows:
                db.execute(
                    f"INSERT INTO {WEEK_COUNTS} (community, week, scope, {', '.join(_COLUMNS)})"
                    f" VALUES (?, ?, ?, {', '.join('?' for _ in _COLUMNS)})",
                    [community, str(week), _label(scope.platform), *astuple(figures)],
                )
            _mark_final(db, community, _period(week), (_BEGINNING, end), first.now)


def _rolled(db: sqlite_utils.Database, scope: Scope) -> WeekCounts | None:
    community = scope.community.id
    if not _final_periods(db, community, [_period(scope.week)]):
        return None
    row = db.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM {WEEK_COUNTS} WHERE community = ? AND week = ? AND scope = ?",
        [community, str(scope.week), _label(scope.platform)],
    ).fetchone()
    return WeekCounts(*row) if row is not None else None


def week_counts(db: sqlite_utils.Database, scope: Scope, who: Identify) -> WeekCounts:
    """The week's counts by identity: the roll-up (corrected for linked accounts) when the week is final,
    else read from the log."""
    rolled = _rolled(db, scope)
    if rolled is None:
        return live(db, scope, who)
    if scope.platform is not None:
        return rolled  # a platform's figures count accounts
    linked = linked_accounts(db, scope.community.id)
    if not linked:
        return rolled
    narrow = accounts_filter(linked)
    return rolled - live(db, scope, _account, narrow) + live(db, scope, who, narrow)


def purge_before(db: sqlite_utils.Database, community: str, cutoff_week: IsoWeek) -> None:
    """The counts of weeks whose rows the retention purge removed go with them (they hold no member id, but
    would no longer be what the log says)."""
    db.execute(f"DELETE FROM {WEEK_COUNTS} WHERE community = ? AND week < ?", [community, str(cutoff_week)])
