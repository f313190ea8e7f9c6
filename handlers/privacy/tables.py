"""Where a member's rows are: every feature's `PersonalData` declarations plus the core's member list.

Forget-me and export both walk these tables with the same `WHERE`, so what a member can read is exactly what
they can erase. A declaration naming a column its table does not have is a bug in that feature: it raises
instead of silently skipping the member's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlite_utils

from bot.personal_data import PersonalData
from handlers.privacy.accounts import Account

CORE_TABLES = (PersonalData("members", "member_id", label="privacy.personal_data.member"),)


class DeclarationError(RuntimeError):
    pass


def personal_tables(declarations: Iterable[PersonalData]) -> list[PersonalData]:
    """The core's tables then the declared ones, each (table, member column) once."""
    seen: dict[tuple[str, str, str | None], PersonalData] = {}
    for declaration in (*CORE_TABLES, *declarations):
        seen.setdefault((declaration.table, declaration.member_column, declaration.platform_column), declaration)
    return list(seen.values())


def existing(db: sqlite_utils.Database, tables: Iterable[PersonalData]) -> Iterator[PersonalData]:
    """The declarations whose table exists (a feature whose migrations never ran has no rows to erase)."""
    for declaration in tables:
        table = db.table(declaration.table)
        if not table.exists():
            continue
        columns = set(table.columns_dict)
        wanted = {declaration.member_column, declaration.community_column}
        if declaration.platform_column:
            wanted.add(declaration.platform_column)
        missing = wanted - columns
        if missing:
            raise DeclarationError(f"personal data of {declaration.table!r} names missing columns {sorted(missing)}")
        yield declaration


def where(declaration: PersonalData, community: str, account: Account) -> tuple[str, list[str]]:
    """SQL condition selecting `account`'s rows of `declaration` in `community`."""
    clause = f"[{declaration.member_column}] = ? AND [{declaration.community_column}] = ?"
    params = [account.member_id, community]
    if declaration.platform_column:
        clause += f" AND [{declaration.platform_column}] = ?"
        params.append(account.platform)
    return clause, params
