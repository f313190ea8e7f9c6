"""Each ended week's help questions and their first responses, rolled up: what "time to first response" reads.

The figure (see `metrics.response`) reads every question asked in the week's help channels and every help reply
from the week's start until the report is built: a tenth of the week's rows in a help-heavy community, twice
per scope. Once the week has ended, what a roll-up saw up to its own time `C` only changes if a row before `C`
is written late or erased (both reopen the period, whose span ends at `C`). So it keeps, per platform, the time
and first-response delay of each question answered before `C` (packed in one row, with how many questions were
answered and how many were not), who gave each first response and when (for the ambassadors' share), and the
questions still unanswered at `C`, one row each, found by their key.

The nightly roll-up moves `C` forward on the weeks the next reports read: the help replies written since `C`
that answer a question still open are folded in (the question leaves the unanswered rows), so a report reads
the counts from one row per platform and only the help replies written since the last night, matched to the
open questions in one indexed join.
"""

from __future__ import annotations

import statistics
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from config.settings import Community
from handlers.engagement.migrations import EVENTS, ROLLUPS, WEEK_ANSWERED, WEEK_RESPONDERS, WEEK_UNANSWERED
from schedules.report.metrics import Number, Scope, share
from schedules.report.metrics.response import DAY, first_response, percentile
from schedules.report.rollups import FINAL_GRACE_SECONDS, _mark_final
from schedules.report.weeks import IsoWeek

Key = tuple[str, str, str | None]  # platform, channel id, message id
First = tuple[int, int, str]  # the first response's time, row id (ties), responder's member id


def _period(week: IsoWeek) -> str:
    return f"q:{week}"


@dataclass
class Answered:
    """One platform's part of the roll-up: the answered questions' times and delays, the counts."""

    times: array = field(default_factory=lambda: array("q"))
    delays: array = field(default_factory=lambda: array("q"))
    unanswered: int = 0
    responses: int = 0  # distinct questions answered (a question logged twice is one response)


@dataclass(frozen=True)
class Since:
    """A question open at the roll-up and answered after it: the first response, and the time each of its rows
    (a question logged twice has two) was asked."""

    first: First
    asked: tuple[int, ...]


@dataclass(frozen=True)
class WeekResponses:
    """What a report reads of one scope's week: the roll-up, plus the answers written since it."""

    times: list[int]
    delays: list[int]
    unanswered: int  # questions open at the roll-up
    responses: int  # distinct questions answered at the roll-up
    fresh: int  # open questions asked less than a day before the report
    since: dict[Key, Since]


def _questions(db: sqlite_utils.Database, community: str, start: int, end: int) -> list[tuple]:
    return db.execute(
        f"SELECT platform, channel_id, message_id, member_id, at FROM {EVENTS} WHERE community = ? AND kind = 'message'"
        " AND at >= ? AND at < ? AND help = 1", [community, start, end]).fetchall()


def _first_replies(db: sqlite_utils.Database, community: str, start: int, end: int,
                   askers: dict[Key, tuple[str, int]]) -> dict[Key, First]:
    """The first response (earliest reply by someone else, at or after the question; ties by row) to each of
    `askers`' questions among the help replies in [start, end)."""
    first: dict[Key, First] = {}
    for row_id, platform, channel, target, who, at in db.execute(
            f"SELECT id, platform, channel_id, target_id, member_id, at FROM {EVENTS} WHERE community = ?"
            " AND kind = 'reply' AND at >= ? AND at < ? AND help = 1", [community, start, end]):
        key = (platform, channel, target)
        asked = askers.get(key)
        if asked is not None and who != asked[0] and at >= asked[1]:
            candidate = (at, row_id, who)
            if key not in first or candidate < first[key]:
                first[key] = candidate
    return first


def answered_since(db: sqlite_utils.Database, community: str, week: IsoWeek, since: int,
                   until: int) -> dict[Key, Since]:
    """The questions of `week` open at the roll-up that a help reply in [since, until) answers: one join from
    those replies (help index, by time) to the open questions (by key), on every platform."""
    first: dict[Key, First] = {}
    asked: dict[Key, dict[int, int]] = {}
    for row, platform, channel, message, asked_at, at, row_id, who in db.execute(
            f"SELECT u.rowid, u.platform, u.channel_id, u.message_id, u.asked_at, r.at, r.id, r.member_id"
            f" FROM {EVENTS} r CROSS JOIN {WEEK_UNANSWERED} u ON u.community = r.community AND u.week = ?"
            " AND u.platform = r.platform AND u.channel_id = r.channel_id AND u.message_id IS r.target_id"
            " WHERE r.community = ? AND r.kind = 'reply' AND r.at >= ? AND r.at < ? AND r.help = 1"
            " AND r.member_id != u.member_id AND r.at >= u.asker_at",
            [str(week), community, since, until]):
        key = (platform, channel, message)
        candidate = (at, row_id, who)
        if key not in first or candidate < first[key]:
            first[key] = candidate
        asked.setdefault(key, {})[row] = asked_at
    return {key: Since(first[key], tuple(asked[key].values())) for key in first}


def _covered(db: sqlite_utils.Database, community: str, week: IsoWeek) -> int | None:
    """Up to when (exclusive) the final roll-up of `week` read replies; None when it is not final."""
    row = db.execute(f"SELECT end_epoch FROM {ROLLUPS} WHERE community = ? AND period = ?",
                     [community, _period(week)]).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def ensure(db: sqlite_utils.Database, community: Community, weeks: Iterable[IsoWeek], now: datetime,
           advance: bool = False) -> None:
    """Roll up each ended week not final yet from the log, with the replies up to now; with `advance` (the
    nightly roll-up), fold into the final ones the replies written since their roll-up (see the module's
    docstring). A report only reads: what was answered since the last night is matched when it is built."""
    covered = int(now.timestamp()) + 1  # replies at or before now, as a report built now reads them
    for week in sorted(set(weeks)):
        start, end = week.epoch_bounds(community.tz)
        if end + FINAL_GRACE_SECONDS > now.timestamp():
            continue
        rolled = _covered(db, community.id, week)
        if rolled is None:
            _roll(db, community.id, week, (start, end), covered, now)
        elif advance and rolled < covered:
            _advance(db, community.id, week, (start, rolled), covered, now)


def _roll(db: sqlite_utils.Database, community: str, week: IsoWeek, span: tuple[int, int], covered: int,
          now: datetime) -> None:
    start, end = span
    questions = _questions(db, community, start, end)
    askers = {(p, c, m): (who, at) for p, c, m, who, at in questions}  # the last row of a question decides
    first = _first_replies(db, community, start, covered, askers)
    parts: dict[str, Answered] = {}
    responders: dict[tuple[str, str], array] = {}
    unanswered = []
    for platform, channel, message, _, at in questions:
        key = (platform, channel, message)
        part = parts.setdefault(platform, Answered())
        if key in first:
            part.times.append(at)
            part.delays.append(first[key][0] - at)
        else:
            part.unanswered += 1
            unanswered.append((community, str(week), platform, channel, message, at, *askers[key]))
    for (platform, _, _), (at, _, who) in first.items():
        parts[platform].responses += 1
        responders.setdefault((platform, who), array("q")).append(at)
    with db.atomic():
        for table in (WEEK_ANSWERED, WEEK_UNANSWERED, WEEK_RESPONDERS):
            db.execute(f"DELETE FROM {table} WHERE community = ? AND week = ?", [community, str(week)])
        _write(db, community, week, parts, responders)
        db.conn.executemany(
            f"INSERT INTO {WEEK_UNANSWERED} (community, week, platform, channel_id, message_id, asked_at,"
            " member_id, asker_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", unanswered)
        _mark_final(db, community, _period(week), (start, covered), now)


def _write(db: sqlite_utils.Database, community: str, week: IsoWeek, parts: dict[str, Answered],
           responders: dict[tuple[str, str], array]) -> None:
    db.conn.executemany(
        f"INSERT OR REPLACE INTO {WEEK_ANSWERED} (community, week, platform, asked_at, delays, unanswered,"
        " responses) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(community, str(week), p, a.times.tobytes(), a.delays.tobytes(), a.unanswered, a.responses)
         for p, a in parts.items()])
    db.conn.executemany(
        f"INSERT OR REPLACE INTO {WEEK_RESPONDERS} (community, week, platform, member_id, answered_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(community, str(week), p, m, times.tobytes()) for (p, m), times in responders.items()])


def _advance(db: sqlite_utils.Database, community: str, week: IsoWeek, span: tuple[int, int], covered: int,
             now: datetime) -> None:
    """Fold the answers written in [C, covered) into the roll-up of `week` made up to C, and move C: the same
    rows a roll-up made now from the log would hold (a question answered before C keeps its first response)."""
    start, rolled = span
    found = answered_since(db, community, week, rolled, covered)
    with db.atomic():
        if found:
            parts = {p: Answered(array("q", t), array("q", d), u, r) for p, t, d, u, r in db.execute(
                f"SELECT platform, asked_at, delays, unanswered, responses FROM {WEEK_ANSWERED}"
                " WHERE community = ? AND week = ?", [community, str(week)])}
            owners = {(key[0], since.first[2]) for key, since in found.items()}
            responders = {(p, m): array("q", times) for p, m, times in db.execute(
                f"SELECT platform, member_id, answered_at FROM {WEEK_RESPONDERS} WHERE community = ? AND week = ?"
                " AND (platform, member_id) IN (VALUES " + ", ".join("(?, ?)" for _ in owners) + ")",
                [community, str(week), *(value for owner in sorted(owners) for value in owner)])}
            for (platform, channel, message), since in found.items():
                part = parts[platform]
                at, _, who = since.first
                for asked_at in since.asked:
                    part.times.append(asked_at)
                    part.delays.append(at - asked_at)
                part.unanswered -= len(since.asked)
                part.responses += 1
                responders.setdefault((platform, who), array("q")).append(at)
                db.execute(f"DELETE FROM {WEEK_UNANSWERED} WHERE community = ? AND week = ? AND platform = ?"
                           " AND channel_id = ? AND message_id IS ?",
                           [community, str(week), platform, channel, message])
            _write(db, community, week, parts, responders)
        _mark_final(db, community, _period(week), (start, covered), now)


class AnsweredSinceMemo:
    """The answers written since each week's roll-up, read from the log once per report: the scope of all
    platforms reads them, and each platform's scope takes its share (an answer's key names its platform, as
    the join requires) instead of reading the same replies again. The log is the one part of the report that
    grows with the community's rate, so it is read as few times as possible."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, str, int, int], dict[Key, Since]] = {}

    def get(self, db: sqlite_utils.Database, community: str, week: IsoWeek, since: int, until: int,
            platform: str | None) -> dict[Key, Since]:
        key = (community, str(week), since, until)
        found = self._read.get(key)
        if found is None:
            found = self._read[key] = answered_since(db, community, week, since, until)
        return found if platform is None else {k: v for k, v in found.items() if k[0] == platform}


def read(db: sqlite_utils.Database, scope: Scope, memo: AnsweredSinceMemo | None = None) -> WeekResponses | None:
    """The scope's week as a report built at `scope.now` sees it, from the roll-up; None when the week is not
    final or the roll-up was made after the report's time (then the log is read). `memo` shares the answers
    written since the roll-up between the scopes of one report."""
    community, week = scope.community.id, scope.week
    now = int(scope.now.timestamp())
    covered = _covered(db, community, week)
    if covered is None or now + 1 < covered:
        return None
    where, params = scope.platform_filter()
    times: list[int] = []
    delays: list[int] = []
    unanswered = responses = fresh = 0
    for platform, asked_at, delay, open_count, answered in db.execute(
            f"SELECT platform, asked_at, delays, unanswered, responses FROM {WEEK_ANSWERED} WHERE community = ?"
            f" AND week = ?{where}", [community, str(week), *params]).fetchall():
        times += array("q", asked_at)
        delays += array("q", delay)
        unanswered += open_count
        responses += answered
        if open_count and scope.bounds[1] - 1 > now - DAY:  # some open question may be less than a day old
            fresh += db.execute(
                f"SELECT count(*) FROM {WEEK_UNANSWERED} WHERE community = ? AND week = ? AND platform = ?"
                " AND asked_at > ?", [community, str(week), platform, now - DAY]).fetchone()[0]
    since: dict[Key, Since] = {}
    if covered <= now:
        since = (memo or AnsweredSinceMemo()).get(db, community, week, covered, now + 1, scope.platform)
    return WeekResponses(times, delays, unanswered, responses, fresh, since)


def response_figures(db: sqlite_utils.Database, scope: Scope, rolled: WeekResponses | None = None) -> dict[str, Number]:
    """`metrics.response.first_response`, from the roll-up (`read`) when the week is final and the report is not
    built before the roll-up's own time."""
    rolled = rolled if rolled is not None else read(db, scope)
    if rolled is None:
        return first_response(db, scope)
    now = int(scope.now.timestamp())
    delays = list(rolled.delays)
    old_enough = sum(1 for at in rolled.times if at + DAY <= now)
    unanswered = sum(1 for at, delay in zip(rolled.times, delays, strict=True) if at + DAY <= now and delay > DAY)
    open_old = rolled.unanswered - rolled.fresh
    old_enough += open_old
    unanswered += open_old
    for since in rolled.since.values():  # answered since the roll-up
        at = since.first[0]
        for asked_at in since.asked:
            delays.append(at - asked_at)
            if asked_at + DAY <= now and at - asked_at <= DAY:
                unanswered -= 1
    return {
        "help_questions": len(rolled.times) + rolled.unanswered,
        "first_response_median_s": float(statistics.median(delays)) if delays else None,
        "first_response_p90_s": percentile(delays, 0.9),
        "unanswered_24h_share": share(unanswered, old_enough),
    }


def purge_before(db: sqlite_utils.Database, community: str, cutoff_week: IsoWeek) -> None:
    """Weeks the retention purge reached go with the raw rows they came from."""
    for table in (WEEK_ANSWERED, WEEK_UNANSWERED, WEEK_RESPONDERS):
        db.execute(f"DELETE FROM {table} WHERE community = ? AND week < ?", [community, str(cutoff_week)])
