"""Each ended week's help questions and their first responses, rolled up: what "time to first response" reads.

The figure (see `metrics.response`) reads every question asked in the week's help channels and every help reply
from the week's start until the report is built: a tenth of the week's rows in a help-heavy community, twice
per scope. Once the week has ended, what the nightly roll-up saw up to its own time `C` only changes if a row
before `C` is written late or erased (both reopen the period, whose span ends at `C`). So it keeps, per
platform, the time and first-response delay of each question answered before `C` (packed in one row), and the
questions still unanswered at `C`, one row each, indexed by question. A report built later reads that row, counts
the unanswered questions through an index, and reads only the help replies written since `C` (a few hours'
worth), matching them to the unanswered questions by key.
"""

from __future__ import annotations

import statistics
from array import array
from collections.abc import Iterable
from datetime import datetime

import sqlite_utils

from config.settings import Community
from handlers.engagement.migrations import EVENTS, ROLLUPS, WEEK_ANSWERED, WEEK_UNANSWERED
from schedules.report.metrics import Number, Scope, share
from schedules.report.metrics.response import DAY, first_response, percentile
from schedules.report.rollups import FINAL_GRACE_SECONDS, _final_periods, _mark_final
from schedules.report.weeks import IsoWeek

Key = tuple[str, str, str]  # platform, channel id, message id


def _period(week: IsoWeek) -> str:
    return f"q:{week}"


def _questions(db: sqlite_utils.Database, community: str, start: int, end: int) -> list[tuple]:
    return db.execute(
        f"SELECT platform, channel_id, message_id, member_id, at FROM {EVENTS} WHERE community = ? AND kind = 'message'"
        " AND at >= ? AND at < ? AND help = 1", [community, start, end]).fetchall()


def _replies(db: sqlite_utils.Database, community: str, start: int, end: int, where: str = "",
             params: Iterable[str] = ()) -> list[tuple]:
    return db.execute(
        f"SELECT platform, channel_id, target_id, member_id, at FROM {EVENTS} WHERE community = ? AND kind = 'reply'"
        f" AND at >= ? AND at < ? AND help = 1{where}", [community, start, end, *params]).fetchall()


def ensure(db: sqlite_utils.Database, community: Community, weeks: Iterable[IsoWeek], now: datetime) -> None:
    """Roll up each ended week not rolled up yet, with the replies up to now (see the module's docstring)."""
    covered = int(now.timestamp()) + 1  # replies at or before now, as a report built now reads them
    for week in sorted(set(weeks)):
        start, end = week.epoch_bounds(community.tz)
        if end + FINAL_GRACE_SECONDS > now.timestamp() or _final_periods(db, community.id, [_period(week)]):
            continue
        questions = _questions(db, community.id, start, end)
        askers = {(p, c, m): (who, at) for p, c, m, who, at in questions}  # the last row of a question decides
        first: dict[Key, int] = {}
        for platform, channel, target, who, at in _replies(db, community.id, start, covered):
            key = (platform, channel, target)
            asked = askers.get(key)
            if asked is not None and who != asked[0] and at >= asked[1]:
                first[key] = min(first.get(key, at), at)
        answered: dict[str, tuple[array, array]] = {}
        unanswered = []
        for platform, channel, message, _, at in questions:
            key = (platform, channel, message)
            if key in first:
                times, delays = answered.setdefault(platform, (array("q"), array("q")))
                times.append(at)
                delays.append(first[key] - at)
            else:
                unanswered.append((community.id, str(week), platform, channel, message, at, *askers[key]))
        with db.atomic():
            for table in (WEEK_ANSWERED, WEEK_UNANSWERED):
                db.execute(f"DELETE FROM {table} WHERE community = ? AND week = ?", [community.id, str(week)])
            db.conn.executemany(
                f"INSERT INTO {WEEK_ANSWERED} (community, week, platform, asked_at, delays) VALUES (?, ?, ?, ?, ?)",
                [(community.id, str(week), p, t.tobytes(), d.tobytes()) for p, (t, d) in answered.items()])
            db.conn.executemany(
                f"INSERT INTO {WEEK_UNANSWERED} (community, week, platform, channel_id, message_id, asked_at,"
                " member_id, asker_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", unanswered)
            _mark_final(db, community.id, _period(week), (start, covered), now)


def _covered(db: sqlite_utils.Database, scope: Scope) -> int | None:
    """Up to when (exclusive) the final roll-up of the scope's week read replies; None when it is not final."""
    row = db.execute(f"SELECT end_epoch FROM {ROLLUPS} WHERE community = ? AND period = ?",
                     [scope.community.id, _period(scope.week)]).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def response_figures(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    """`metrics.response.first_response`, from the roll-up when the week is final and the report is not built
    before the roll-up's own time."""
    community, week = scope.community.id, str(scope.week)
    now = int(scope.now.timestamp())
    covered = _covered(db, scope)
    if covered is None or now + 1 < covered:
        return first_response(db, scope)
    where, params = scope.platform_filter()
    times: list[int] = []
    delays: list[int] = []
    for asked_at, delay in db.execute(
            f"SELECT asked_at, delays FROM {WEEK_ANSWERED} WHERE community = ? AND week = ?{where}",
            [community, week, *params]):
        times += array("q", asked_at)
        delays += array("q", delay)
    old_enough = sum(1 for at in times if at + DAY <= now)
    unanswered = sum(1 for at, delay in zip(times, delays, strict=True) if at + DAY <= now and delay > DAY)
    key = "community = ? AND week = ?"
    (open_count,) = db.execute(f"SELECT count(*) FROM {WEEK_UNANSWERED} WHERE {key}{where}",
                               [community, week, *params]).fetchone()
    (open_old,) = db.execute(f"SELECT count(*) FROM {WEEK_UNANSWERED} WHERE {key}{where} AND asked_at <= ?",
                             [community, week, *params, now - DAY]).fetchone()
    old_enough += open_old
    unanswered += open_old
    first: dict[Key, int] = {}
    for platform, channel, target, who, at in _replies(db, community, covered, now + 1, where, params):
        key_row = db.execute(
            f"SELECT member_id, asker_at FROM {WEEK_UNANSWERED} WHERE {key} AND platform = ? AND channel_id = ?"
            " AND message_id IS ? LIMIT 1", [community, week, platform, channel, target]).fetchone()
        if key_row is not None and who != key_row[0] and at >= key_row[1]:
            question = (platform, channel, target)
            first[question] = min(first.get(question, at), at)
    for (platform, channel, message), at in first.items():  # answered since the roll-up
        for (asked_at,) in db.execute(
                f"SELECT asked_at FROM {WEEK_UNANSWERED} WHERE {key} AND platform = ? AND channel_id = ?"
                " AND message_id IS ?", [community, week, platform, channel, message]):
            delays.append(at - asked_at)
            if asked_at + DAY <= now and at - asked_at <= DAY:
                unanswered -= 1
    return {
        "help_questions": len(times) + open_count,
        "first_response_median_s": float(statistics.median(delays)) if delays else None,
        "first_response_p90_s": percentile(delays, 0.9),
        "unanswered_24h_share": share(unanswered, old_enough),
    }


def purge_before(db: sqlite_utils.Database, community: str, cutoff_week: IsoWeek) -> None:
    """Weeks the retention purge reached go with the raw rows they came from."""
    for table in (WEEK_ANSWERED, WEEK_UNANSWERED):
        db.execute(f"DELETE FROM {table} WHERE community = ? AND week < ?", [community, str(cutoff_week)])
