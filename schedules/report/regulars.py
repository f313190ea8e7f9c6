"""The regulars of a six-week window, rolled up once: who the "slipping away" figure watches.

A regular is a member active in at least `slipping_regular_weeks` of the six weeks before the silence; the
report names those not seen at all since. Read from the member-weeks, that is eight weeks of rows for every
active member at each report, and it grew with the community's activity. The window is in the past by the
time a report reads it, so it is rolled up once (by the nightly roll-up, or by the first report that needs
it): one row per account active in enough of its weeks, with a bit per week. Accounts linked across platforms
(`/privacy link`) are read from the member-weeks at report time, so a link made later counts at once.

The roll-up is a period like the others in the roll-up ledger: a late row or a forgotten member in one of its
weeks reopens it, and the retention purge drops it with the member-weeks it came from.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from handlers.engagement.migrations import MEMBER_WEEKS, REGULARS
from schedules.report.rollups import FINAL_GRACE_SECONDS, _final_periods, _mark_final, ensure_weeks
from schedules.report.weeks import IsoWeek

WINDOW_WEEKS = 6
Mask = dict[tuple[str, str], int]  # (platform, member id) -> bit i set when active in week window_end - i


def _period(window_end: IsoWeek, min_weeks: int) -> str:
    return f"r:{window_end}:{min_weeks}"


def window(window_end: IsoWeek) -> list[str]:
    return [str(window_end.shift(-i)) for i in range(WINDOW_WEEKS)]


def _mask_sql(weeks: list[str]) -> str:
    return " + ".join(f"(max(week = '{week}') << {bit})" for bit, week in enumerate(weeks))


def ensure(db: sqlite_utils.Database, community: str, window_end: IsoWeek, min_weeks: int, tz, now) -> None:
    """Roll up the regulars of the window ending with `window_end` unless that is done and still valid. Only a
    window whose weeks have all ended (plus the writer's grace) is kept: a running window is computed on use."""
    period = _period(window_end, min_weeks)
    if _final_periods(db, community, [period]):
        return
    weeks = window(window_end)
    start, end = window_end.shift(-(WINDOW_WEEKS - 1)).epoch_bounds(tz)[0], window_end.epoch_bounds(tz)[1]
    if end + FINAL_GRACE_SECONDS > now.timestamp():
        return
    ensure_weeks(db, community, [window_end.shift(-i) for i in range(WINDOW_WEEKS)], tz, now)
    marks = ", ".join("?" for _ in weeks)
    with db.atomic():
        db.execute(f"DELETE FROM {REGULARS} WHERE community = ? AND window_end = ? AND min_weeks = ?",
                   [community, str(window_end), min_weeks])
        db.execute(
            f"INSERT INTO {REGULARS} (community, window_end, min_weeks, platform, member_id, mask)"
            f" SELECT community, ?, ?, platform, member_id, {_mask_sql(weeks)} FROM {MEMBER_WEEKS}"
            f" WHERE community = ? AND week IN ({marks}) GROUP BY platform, member_id HAVING count(*) >= ?",
            [str(window_end), min_weeks, community, *weeks, min_weeks],
        )
        _mark_final(db, community, period, (start, end), now)


def masks(db: sqlite_utils.Database, community: str, window_end: IsoWeek, min_weeks: int, quiet: list[str],
          linked: Iterable[tuple[str, str]], where: str = "", params: Iterable[str] = ()) -> Mask:
    """Each candidate account's weeks in the window, leaving out those active in a `quiet` week: accounts
    active in at least `min_weeks` weeks, plus every `linked` account whatever its count (its person may add
    up to a regular). `where`/`params` narrow the accounts (e.g. " AND platform = ?")."""
    weeks = window(window_end)
    quiet_marks = ", ".join("?" for _ in quiet)
    not_quiet = (f" AND NOT EXISTS (SELECT 1 FROM {MEMBER_WEEKS} q WHERE q.community = r.community"
                 f" AND q.week IN ({quiet_marks}) AND q.platform = r.platform AND q.member_id = r.member_id)")
    found: Mask = {}
    if _final_periods(db, community, [_period(window_end, min_weeks)]):
        rows = db.execute(
            f"SELECT platform, member_id, mask FROM {REGULARS} r WHERE community = ? AND window_end = ?"
            f" AND min_weeks = ?{where}{not_quiet}",
            [community, str(window_end), min_weeks, *params, *quiet],
        ).fetchall()
    else:
        marks = ", ".join("?" for _ in weeks)
        rows = db.execute(
            f"SELECT platform, member_id, {_mask_sql(weeks)} FROM {MEMBER_WEEKS} r WHERE community = ?"
            f" AND week IN ({marks}){where}{not_quiet} GROUP BY platform, member_id HAVING count(*) >= ?",
            [community, *weeks, *params, *quiet, min_weeks],
        ).fetchall()
    found.update({(p, m): mask for p, m, mask in rows})
    for platform, member_id in linked:
        if (platform, member_id) in found:
            continue
        rows = db.execute(
            f"SELECT week FROM {MEMBER_WEEKS} WHERE community = ? AND platform = ? AND member_id = ?"
            f" AND week IN ({', '.join('?' for _ in weeks + quiet)})",
            [community, platform, member_id, *weeks, *quiet],
        ).fetchall()
        active = {row[0] for row in rows}
        if active & set(quiet):
            found[(platform, member_id)] = -1  # seen in the silence: its person is not slipping away
        elif active:
            found[(platform, member_id)] = sum(1 << bit for bit, week in enumerate(weeks) if week in active)
    return found


def purge_before(db: sqlite_utils.Database, community: str, cutoff_week: IsoWeek) -> None:
    """Drop the windows that reach back before `cutoff_week` (their member-weeks are purged)."""
    db.execute(f"DELETE FROM {REGULARS} WHERE community = ? AND window_end < ?",
               [community, str(cutoff_week.shift(WINDOW_WEEKS - 1))])
