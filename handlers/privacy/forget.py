"""Erasing a member: every row naming any of their linked accounts, in every declared table, in one transaction.

Rows of other tables that point at an erased row (a flag's rule matches, a post's deliveries) go with it, found
through the schema's foreign keys. Rows declared `anonymise` (the member only reported or approved something
about someone else) keep their substance and lose the member's id.

Two exceptions are deliberate. A member who opted out of engagement logging keeps a bare `members` row (ids and
the opt-out flag, nothing else), because forgetting that they objected would start counting them again. And a
moderation **sanction** (a flag a moderator upheld: message deleted, member warned or timed out) raised within
`privacy.keep_sanctions_days` stays, stripped of the message's words and link, with only the member's platform
id: the safety of the community is a legitimate interest, and a warned troll must not wipe his record by
asking. Each kept sanction is listed in `privacy_kept_sanctions` with the day it goes, and the nightly upkeep
erases it then. The de-duplication ledger's entries whose event id names the member (joins, reactions) go too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot import seen_events
from bot.personal_data import FORGOTTEN, PersonalData
from handlers.privacy.accounts import Account
from handlers.privacy.tables import existing, personal_tables, where

SANCTIONS_TABLE = "moderation_flags"
SANCTION_STATUSES = ("deleted", "warned", "timed_out")
STRIPPED_COLUMNS = ("excerpt", "link")  # the message's words, and where to read them
KEPT = "privacy_kept_sanctions"
KEPT_COUNT = "moderation_flags (kept)"


@dataclass(frozen=True, slots=True)
class KeepSanctions:
    """Sanctions raised at or after `since` survive forget-me until `until`."""

    since: datetime
    until: datetime

    @classmethod
    def for_days(cls, days: int, now: datetime) -> KeepSanctions:
        return cls(now - timedelta(days=days), now + timedelta(days=days))



def count_rows(
    db: sqlite_utils.Database, community: str, accounts: Iterable[Account], declarations: Iterable[PersonalData],
    keep: KeepSanctions | None = None,
) -> Counter[str]:
    """How many rows `forget` would erase, per table: the same work, rolled back."""
    _begin(db)
    try:
        return _erase(db, community, list(accounts), declarations, keep)
    finally:
        db.conn.rollback()


def forget(
    db: sqlite_utils.Database, community: str, accounts: Iterable[Account], declarations: Iterable[PersonalData],
    keep: KeepSanctions | None = None, steps: Iterable[Callable[[sqlite_utils.Database], object]] = (),
) -> Counter[str]:
    """Delete (or anonymise) the accounts' rows; returns the rows affected per table (tables with none left out).

    With `keep`, the accounts' recent sanctions are kept stripped (counted under "moderation_flags (kept)").
    `steps` run first, in the same transaction: the features' pending work on the platforms (an ambassador's role
    to take back) is written with the erasure, or neither is."""
    _begin(db)
    try:
        for step in steps:
            step(db)
        counts = _erase(db, community, list(accounts), declarations, keep)
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()  # foreign keys are checked here, once every related row is gone
    return counts


def _begin(db: sqlite_utils.Database) -> None:
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    db.execute("PRAGMA defer_foreign_keys = ON")


def _erase(
    db: sqlite_utils.Database, community: str, accounts: list[Account], declarations: Iterable[PersonalData],
    keep: KeepSanctions | None = None,
) -> Counter[str]:
    tables = list(existing(db, personal_tables(declarations)))
    children = _children(db)
    counts: Counter[str] = Counter()
    objected = [a for a in accounts if _opted_out(db, community, a)]
    for declaration in sorted(tables, key=lambda d: d.anonymise):  # deletions first
        for account in accounts:
            clause, params = where(declaration, community, account)
            if keep is not None and holds_sanctions(declaration):
                counts[KEPT_COUNT] += _keep_sanctions(db, community, clause, params, keep)
                clause += f" AND NOT ({_SANCTION})"
                params = [*params, *SANCTION_STATUSES, keep.since.isoformat()]
            if declaration.anonymise:
                cleared = "".join(f", [{column}] = NULL" for column in declaration.erase_columns)
                counts[declaration.table] += db.execute(
                    f"UPDATE [{declaration.table}] SET [{declaration.member_column}] = ?{cleared} WHERE {clause}",
                    [FORGOTTEN, *params],
                ).rowcount
            else:
                _delete(db, declaration.table, clause, params, children, counts)
    for account in accounts:
        counts[seen_events.TABLE] += seen_events.forget_member(db, account.platform, account.member_id)
    for account in objected:
        db.execute(
            "INSERT INTO members (community, platform, member_id, opted_out) VALUES (?, ?, ?, 1)",
            [community, account.platform, account.member_id],
        )
    return +counts


_SANCTION = f"status IN ({', '.join('?' for _ in SANCTION_STATUSES)}) AND created_at >= ?"


def holds_sanctions(declaration: PersonalData) -> bool:
    return (declaration.table == SANCTIONS_TABLE and not declaration.anonymise
            and declaration.member_column == "member_id")


def _keep_sanctions(db: sqlite_utils.Database, community: str, clause: str, params: list[str],
                    keep: KeepSanctions) -> int:
    """Strip the member's recent sanctions of the message's words and link, and list them to be erased later."""
    condition = f"{clause} AND {_SANCTION}"
    values = [*params, *SANCTION_STATUSES, keep.since.isoformat()]
    ids = [r[0] for r in db.execute(f"SELECT id FROM [{SANCTIONS_TABLE}] WHERE {condition}", values)]
    if not ids:
        return 0
    columns = [c for c in STRIPPED_COLUMNS if c in db[SANCTIONS_TABLE].columns_dict]
    if columns:
        assignments = ", ".join(f"[{c}] = NULL" for c in columns)
        db.execute(f"UPDATE [{SANCTIONS_TABLE}] SET {assignments} WHERE {condition}", values)
    db.conn.executemany(
        f"INSERT OR REPLACE INTO {KEPT} (flag_id, community, keep_until) VALUES (?, ?, ?)",
        [(flag_id, community, keep.until.isoformat()) for flag_id in ids],
    )
    return len(ids)


def purge_kept_sanctions(db: sqlite_utils.Database, now: datetime) -> int:
    """Erase the kept sanctions of forgotten members whose time is up; returns how many went."""
    if not db[KEPT].exists() or not db[SANCTIONS_TABLE].exists():
        return 0
    children = _children(db)
    counts: Counter[str] = Counter()
    with db.atomic():
        clause = f"id IN (SELECT flag_id FROM {KEPT} WHERE keep_until < ?)"
        _delete(db, SANCTIONS_TABLE, clause, [now.isoformat()], children, counts)
        db.execute(f"DELETE FROM {KEPT} WHERE keep_until < ?", [now.isoformat()])
    return counts[SANCTIONS_TABLE]


# parent table -> (child table, child columns, parent columns); several columns for a compound key
Children = dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]]


def _children(db: sqlite_utils.Database) -> Children:
    found: Children = {}
    for name in db.table_names():
        for key in db.table(name).foreign_keys:
            found.setdefault(key.other_table, []).append((key.table, tuple(key.columns), tuple(key.other_columns)))
    return found


def _delete(
    db: sqlite_utils.Database, table: str, clause: str, params: list[str], children: Children, counts: Counter[str],
    depth: int = 0,
) -> None:
    """Delete the rows matching `clause` and, first, the rows of other tables that point at them."""
    if depth < 5:
        for child, columns, parent_columns in children.get(table, ()):
            pointing = ", ".join(f"[{column}]" for column in columns)
            pointed = ", ".join(f"[{column}]" for column in parent_columns)
            inner = f"({pointing}) IN (SELECT {pointed} FROM [{table}] WHERE {clause})"
            _delete(db, child, inner, params, children, counts, depth + 1)
    counts[table] += db.execute(f"DELETE FROM [{table}] WHERE {clause}", params).rowcount


def _opted_out(db: sqlite_utils.Database, community: str, account: Account) -> bool:
    row = db.execute(
        "SELECT opted_out FROM members WHERE community = ? AND platform = ? AND member_id = ?",
        [community, account.platform, account.member_id],
    ).fetchone()
    return bool(row and row[0])

