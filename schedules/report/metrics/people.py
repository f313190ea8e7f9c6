"""Who is a member, and who is one member: the populations every count and share of the report is about.

A member is an account in a platform's figures and a *person* in the all-platforms figures: accounts linked
with `/privacy link` are one person there. Whether a member is present at an instant is read from the log's
joins and leaves (the latest one before the instant decides). An account whose first join or leave in the log
is a leave, or that the log never saw join, was a member before the bot started listening: in a week's figures it
counts as present from the week's start when the week (up to its end) shows it, by an activity or by its
leaving. So the members at the start, plus those who joined, minus those who left, are the members at the end,
and a past week's figures read nothing written after that week.

The week's population is everyone who was a member at some point of the week: the members present when it
started, those who joined during it and those who were active in it. Every share of members is of that
population, and counts members who left during the week in both its numerator and its denominator, so no
share can pass 100 %. Growth is relative to the members present when the week started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlite_utils

from handlers.engagement.membership import last_changes
from handlers.engagement.migrations import EVENTS, MEMBER_WEEKS, STAFF
from handlers.engagement.presence import active_before
from schedules.report.metrics import Scope, table_exists

Account = tuple[str, str]  # platform, member id
Identify = Callable[[str, str], str]


def identify(db: sqlite_utils.Database, scope: Scope) -> Identify:
    """The function naming the member an account belongs to in `scope`: the account itself in a platform's
    figures, the linked person in the all-platforms figures (named after its first account)."""
    if scope.platform is not None:
        return lambda platform, member_id: f"{platform}:{member_id}"
    persons: dict[Account, str] = {}
    if table_exists(db, "privacy_links"):
        groups: dict[str, list[Account]] = {}
        for platform, member_id, person in db.execute(
            "SELECT platform, member_id, person FROM privacy_links WHERE community = ?", [scope.community.id]
        ):
            groups.setdefault(person, []).append((platform, member_id))
        for accounts in groups.values():
            name = min(f"{p}:{m}" for p, m in accounts)  # a stable name: lists tie-break on it
            persons |= {account: name for account in accounts}
    return lambda platform, member_id: persons.get((platform, member_id)) or f"{platform}:{member_id}"


def linked_accounts(db: sqlite_utils.Database, community: str) -> list[Account]:
    """Accounts linked to a person with `/privacy link` (one member across platforms)."""
    if not table_exists(db, "privacy_links"):
        return []
    return [(p, m) for p, m in db.execute(
        "SELECT platform, member_id FROM privacy_links WHERE community = ?", [community]).fetchall()]


@dataclass(frozen=True)
class Membership:
    """The members of one week, by identity (see `identify`)."""

    at_start: frozenset[str]
    at_end: frozenset[str]
    joined: frozenset[str]
    left: frozenset[str]
    active: frozenset[str]
    posted: frozenset[str]  # active with a message or a reply (not only reactions)

    @property
    def population(self) -> frozenset[str]:
        return self.at_start | self.joined | self.active


Narrow = tuple[str, list[str]]  # an SQL condition with a leading AND on `platform`/`member_id`, its parameters


def accounts_filter(accounts: Iterable[Account]) -> Narrow:
    """A condition keeping only `accounts` (e.g. the few linked ones), in the form `Scope.platform_filter` has."""
    pairs = sorted(set(accounts))
    if not pairs:
        return " AND 0", []
    values = ", ".join("(?, ?)" for _ in pairs)
    return f" AND (platform, member_id) IN (VALUES {values})", [value for pair in pairs for value in pair]


def _present(db: sqlite_utils.Database, scope: Scope, instant: int, who: Identify,
             horizon: int | None = None, narrow: Narrow | None = None) -> set[str]:
    """Identities with an account present at `instant` (epoch seconds, exclusive), judged on what the log holds
    before `horizon` (at least `instant`; the end of the week being reported): an account with no join or leave
    before `instant` counts when, before `horizon`, it was active or left before the log ever saw it join."""
    horizon = instant if horizon is None else max(horizon, instant)
    where, params = narrow or scope.platform_filter()
    last = last_changes(db, scope.community.id, instant, where, params)  # the latest join or leave before it
    first_after: dict[Account, str] = {}  # the first join or leave in [instant, horizon)
    if horizon > instant:
        for platform, member_id, kind in db.execute(
            f"SELECT platform, member_id, kind FROM {EVENTS} WHERE community = ? AND kind IN ('join', 'leave')"
            f" AND at >= ? AND at < ?{where} ORDER BY at, kind",  # at the same second a join comes before a leave
            [scope.community.id, instant, horizon, *params],
        ):
            first_after.setdefault((platform, member_id), kind)
    present = {who(*account) for account, kind in last.items() if kind == "join"}
    present |= {who(*account) for account, kind in first_after.items() if kind == "leave" and account not in last}
    for account in active_before(db, scope.community.id, horizon, where, params):
        if account not in last and first_after.get(account) != "join":
            present.add(who(*account))
    return present


def _membership_changes(db: sqlite_utils.Database, scope: Scope, kind: str, start: int, end: int,
                        who: Identify, narrow: Narrow | None = None) -> set[str]:
    where, params = narrow or scope.platform_filter()
    rows = db.execute(
        f"SELECT DISTINCT platform, member_id FROM {EVENTS} WHERE community = ? AND kind = ? AND at >= ? AND at < ?"
        f"{where}",
        [scope.community.id, kind, start, end, *params],
    ).fetchall()
    return {who(p, m) for p, m in rows}


def joined_between(db: sqlite_utils.Database, scope: Scope, start: int, end: int, who: Identify,
                   narrow: Narrow | None = None) -> set[str]:
    return _membership_changes(db, scope, "join", start, end, who, narrow)


def active_in(db: sqlite_utils.Database, scope: Scope, week: str, who: Identify,
              posted_only: bool = False, narrow: Narrow | None = None) -> set[str]:
    """Identities active in ISO `week` (from its member-week roll-up, which the builder keeps current)."""
    where, params = narrow or scope.platform_filter()
    condition = " AND messages + replies > 0" if posted_only else ""
    rows = db.execute(
        f"SELECT platform, member_id FROM {MEMBER_WEEKS} WHERE community = ? AND week = ?{where}{condition}",
        [scope.community.id, week, *params],
    ).fetchall()
    return {who(p, m) for p, m in rows}


def membership(db: sqlite_utils.Database, scope: Scope, who: Identify, narrow: Narrow | None = None) -> Membership:
    """The week's members; `narrow` (see `accounts_filter`) restricts them to some accounts instead of the
    scope's platform."""
    start, end = scope.bounds
    week = str(scope.week)
    return Membership(
        at_start=frozenset(_present(db, scope, start, who, horizon=end, narrow=narrow)),
        at_end=frozenset(_present(db, scope, end, who, narrow=narrow)),
        joined=frozenset(joined_between(db, scope, start, end, who, narrow)),
        left=frozenset(_membership_changes(db, scope, "leave", start, end, who, narrow)),
        active=frozenset(active_in(db, scope, week, who, narrow=narrow)),
        posted=frozenset(active_in(db, scope, week, who, posted_only=True, narrow=narrow)),
    )


def staff_accounts(db: sqlite_utils.Database, community: str) -> set[Account]:
    """Accounts last seen holding a staff role (SMM, CM, admin)."""
    rows = db.execute(f"SELECT platform, member_id FROM {STAFF} WHERE community = ? AND staff = 1",
                      [community]).fetchall()
    return {(p, m) for p, m in rows}


def opted_out_accounts(db: sqlite_utils.Database, community: str) -> set[Account]:
    """Accounts that asked not to be counted: never named in a report (their past counts stay in totals)."""
    rows = db.execute("SELECT platform, member_id FROM members WHERE community = ? AND opted_out = 1",
                      [community]).fetchall()
    return {(p, m) for p, m in rows}


def identities_of(accounts: Iterable[Account], who: Identify) -> set[str]:
    return {who(*account) for account in accounts}
