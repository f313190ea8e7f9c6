"""The appointed ambassadors' figures of an ended week, from the roll-ups: what `metrics.ambassadors.appointed`
reads from the log.

That figure read every first response of the week (the help questions and replies) and every member active in
the `slipping_days` (21) before the week's end: three weeks of the log, per scope and week. Both are about a few
ambassadors, so they are read for those accounts only: the first responses each account gave come from the help
questions' roll-up (`week_responses`, which keeps who answered and when, plus the answers written since it), and
whether an account was active in the silence comes from its member-weeks (kept current by the report), with the
log read only for the part of a week the silence cuts: the hour a daylight-saving change moves the boundary by,
or the days a `slipping_days` that is not a number of weeks adds (from whichever side of the cut is shorter).

Accounts linked with `/privacy link` are one member in the all-platforms figures, whenever the link was made: the
accounts read are the ambassadors' own and every account linked to one of them.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from handlers.ambassadors import records
from handlers.ambassadors.migrations import AMBASSADORS
from handlers.engagement.migrations import EVENTS, MEMBER_WEEKS, WEEK_RESPONDERS
from schedules.report import week_responses
from schedules.report.metrics import Number, Scope, share, table_exists
from schedules.report.metrics.ambassadors import AMBASSADOR_KEYS, _serving
from schedules.report.metrics.ambassadors import appointed as appointed_live
from schedules.report.metrics.people import Account, Identify, accounts_filter, linked_accounts
from schedules.report.weeks import IsoWeek

_ACTIVE = "('message', 'reply', 'reaction')"


def silence_weeks(scope: Scope) -> list[IsoWeek]:
    """The weeks the ambassadors' silence before the scope's week end falls in (their member-weeks are read)."""
    start = scope.bounds[1] - scope.community.ambassadors.slipping_days * 86_400
    first = IsoWeek.containing(datetime.fromtimestamp(start, UTC), scope.tz)
    return [first.shift(i) for i in range((scope.week.monday - first.monday).days // 7 + 1)]


def appointed(db: sqlite_utils.Database, scope: Scope, who: Identify,
              rolled: week_responses.WeekResponses | None = None) -> dict[str, Number]:
    """`metrics.ambassadors.appointed`, from the roll-ups when the week's help questions are rolled up (see the
    module's docstring); the member-weeks of `silence_weeks` must be current (the report's roll-ups are)."""
    if not table_exists(db, AMBASSADORS):
        return dict.fromkeys(AMBASSADOR_KEYS)
    rolled = rolled if rolled is not None else week_responses.read(db, scope)
    if rolled is None:
        return appointed_live(db, scope, who)
    community = scope.community.id
    _, end = scope.bounds
    periods = {a: p for a, p in records.periods(db, community).items() if scope.platform in (None, a[0])}
    at_end = {who(*a) for a in periods if _serving(periods, a, end - 1)}
    accounts_of: dict[str, set[Account]] = defaultdict(set)
    for account in periods:
        accounts_of[who(*account)].add(account)
    accounts = set(periods) | {a for a in linked_accounts(db, community)
                               if who(*a) in accounts_of and scope.platform in (None, a[0])}

    def by_ambassador(account: Account, at: int) -> bool:
        return any(_serving(periods, a, at) for a in accounts_of.get(who(*account), ()))

    given = 0
    for platform, member_id, times in _per_account(db, WEEK_RESPONDERS, "answered_at", community, [str(scope.week)],
                                                   accounts):
        given += sum(1 for at in array("q", times) if by_ambassador((platform, member_id), at))
    given += sum(1 for (platform, _, _), since in rolled.since.items()
                 if by_ambassador((platform, since.first[2]), since.first[0]))
    silence = end - scope.community.ambassadors.slipping_days * 86_400
    active = {who(*a) for a in _active(db, scope, accounts, silence)}
    return {
        "ambassadors": len(at_end),
        "ambassador_first_response_share": share(given, rolled.responses + len(rolled.since)),
        "ambassadors_slipping": len(at_end - active),
    }


def _per_account(db: sqlite_utils.Database, table: str, column: str, community: str, weeks: list[str],
                 accounts: set[Account]) -> list[tuple[str, str, Any]]:
    """`column` of `table`'s rows for `accounts` in `weeks`, each found by its key (community, week, platform,
    member id): a few look-ups, where a row-value `IN` would walk the weeks' rows of every account."""
    if not accounts:
        return []
    pairs = ", ".join("(?, ?)" for _ in accounts)
    return db.execute(
        f"WITH wanted(platform, member_id) AS (VALUES {pairs}) SELECT t.platform, t.member_id, {column}"
        f" FROM wanted CROSS JOIN {table} t ON t.community = ? AND t.week IN ({', '.join('?' for _ in weeks)})"
        " AND t.platform = wanted.platform AND t.member_id = wanted.member_id",
        [*(value for account in sorted(accounts) for value in account), community, *weeks]).fetchall()


def _active(db: sqlite_utils.Database, scope: Scope, accounts: set[Account], silence: int) -> set[Account]:
    """Which of `accounts` had a message, reply or reaction in [silence, the week's end)."""
    if not accounts:
        return set()
    community = scope.community.id
    narrow, values = accounts_filter(accounts)
    weeks = silence_weeks(scope)
    cut, cut_end = weeks[0].epoch_bounds(scope.tz)
    whole = [str(w) for w in weeks if w.epoch_bounds(scope.tz)[0] >= silence]
    found: set[Account] = set()
    if whole:
        found.update((p, m) for p, m, _ in _per_account(db, MEMBER_WEEKS, "week", community, whole, accounts))
    if cut >= silence:
        return found
    if silence - cut <= cut_end - silence:  # active after the cut: more rows in the week than before it
        totals = {(p, m): n for p, m, n in _per_account(db, MEMBER_WEEKS, "messages + replies + reactions",
                                                         community, [str(weeks[0])], accounts)}
        before = dict(((p, m), n) for p, m, n in db.execute(
            f"SELECT platform, member_id, count(*) FROM {EVENTS} WHERE community = ? AND kind IN {_ACTIVE}"
            f" AND at >= ? AND at < ?{narrow} GROUP BY platform, member_id", [community, cut, silence, *values]))
        found.update(account for account, n in totals.items() if n > before.get(account, 0))
    else:
        found.update(db.execute(
            f"SELECT DISTINCT platform, member_id FROM {EVENTS} WHERE community = ? AND kind IN {_ACTIVE}"
            f" AND at >= ? AND at < ?{narrow}", [community, silence, cut_end, *values]).fetchall())
    return found
