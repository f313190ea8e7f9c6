"""Erasing a member: every row naming any of their linked accounts, in every declared table, in one transaction.

One exception is deliberate: a member who opted out of engagement logging keeps a bare `members` row (ids and
the opt-out flag, nothing else), because forgetting that they objected would start counting them again. The
de-duplication ledger's entries whose event id names the member (joins, reactions) go too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlite_utils

from bot.feature import PersonalData
from handlers.privacy.links import Account
from handlers.privacy.tables import existing, personal_tables, where

# Ledger ids that name a member carry it as a whole colon-separated field (`join:<guild>:<member>:<date>`).
SEEN = "platform = ? AND event_id LIKE ? ESCAPE '\\'"


def count_rows(
    db: sqlite_utils.Database, community: str, accounts: Iterable[Account], declarations: Iterable[PersonalData]
) -> Counter[str]:
    """How many rows `forget` would erase, per table (for the confirmation question)."""
    counts: Counter[str] = Counter()
    accounts = list(accounts)
    for declaration in existing(db, personal_tables(declarations)):
        for account in accounts:
            clause, params = where(declaration, community, account)
            counts[declaration.table] += db.execute(
                f"SELECT count(*) FROM [{declaration.table}] WHERE {clause}", params
            ).fetchone()[0]
    for account in accounts:
        seen = db.execute(f"SELECT count(*) FROM seen_events WHERE {SEEN}", _seen(account)).fetchone()
        counts["seen_events"] += seen[0]
    return +counts


def forget(
    db: sqlite_utils.Database, community: str, accounts: Iterable[Account], declarations: Iterable[PersonalData]
) -> Counter[str]:
    """Delete the accounts' rows; returns the rows erased per table (tables with none left out)."""
    accounts = list(accounts)
    tables = list(existing(db, personal_tables(declarations)))
    counts: Counter[str] = Counter()
    with db.conn:
        db.execute("PRAGMA defer_foreign_keys = ON")  # a feature's child rows go in the same transaction
        objected = [a for a in accounts if _opted_out(db, community, a)]
        for declaration in tables:
            for account in accounts:
                clause, params = where(declaration, community, account)
                counts[declaration.table] += db.execute(
                    f"DELETE FROM [{declaration.table}] WHERE {clause}", params
                ).rowcount
        for account in accounts:
            counts["seen_events"] += db.execute(f"DELETE FROM seen_events WHERE {SEEN}", _seen(account)).rowcount
        for account in objected:
            db.execute(
                "INSERT INTO members (community, platform, member_id, opted_out) VALUES (?, ?, ?, 1)",
                [community, account.platform, account.member_id],
            )
    return +counts


def _opted_out(db: sqlite_utils.Database, community: str, account: Account) -> bool:
    row = db.execute(
        "SELECT opted_out FROM members WHERE community = ? AND platform = ? AND member_id = ?",
        [community, account.platform, account.member_id],
    ).fetchone()
    return bool(row and row[0])


def _seen(account: Account) -> list[str]:
    escaped = account.member_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [account.platform, f"%:{escaped}:%"]
