"""A member's data as JSON: every declared table's rows naming any of their linked accounts.

The CLI writes the whole document to a file; in chat, `/privacy export` sends the same document as a JSON file
in a direct message (never raw JSON cut across messages).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.personal_data import PersonalData
from handlers.privacy.accounts import Account
from handlers.privacy.tables import existing, personal_tables, where


def collect(
    db: sqlite_utils.Database,
    community: str,
    accounts: Iterable[Account],
    declarations: Iterable[PersonalData],
    now: datetime,
) -> dict[str, Any]:
    """The export document: who, when, and per table its columns and the rows naming the accounts."""
    accounts = list(accounts)
    tables: dict[str, dict[str, Any]] = {}
    for declaration in existing(db, personal_tables(declarations)):
        selected, name = _selection(db, declaration)
        for account in accounts:
            clause, params = where(declaration, community, account)
            cursor = db.execute(f"SELECT {selected} FROM [{declaration.table}] WHERE {clause}", params)
            rows = [list(row) for row in cursor.fetchall()]
            if not rows:
                continue
            entry = tables.setdefault(name, {"columns": [d[0] for d in cursor.description], "rows": []})
            entry["rows"].extend(rows)
    return {
        "community": community,
        "generated_at": now.isoformat(),
        "accounts": [str(a) for a in accounts],
        "tables": tables,
    }


def _selection(db: sqlite_utils.Database, declaration: PersonalData) -> tuple[str, str]:
    """The columns to export and the name of the entry: whole rows for the member's own data; for rows that
    only mention the member (anonymised on forget-me), just the columns that are about them."""
    present = list(db[declaration.table].columns_dict)
    if not declaration.anonymise:
        if not declaration.hidden_columns:
            return "*", declaration.table
        shown = [c for c in present if c not in declaration.hidden_columns]
        return ", ".join(f"[{c}]" for c in shown), declaration.table
    wanted = (declaration.community_column, declaration.platform_column, declaration.member_column,
              *declaration.export_columns)
    columns = [c for c in dict.fromkeys(wanted) if c and c in present]
    return ", ".join(f"[{c}]" for c in columns), f"{declaration.table}.{declaration.member_column}"


def row_counts(document: dict[str, Any]) -> dict[str, int]:
    return {name: len(table["rows"]) for name, table in document["tables"].items()}


def to_json(document: dict[str, Any], *, pretty: bool = False) -> str:
    if pretty:
        return json.dumps(document, ensure_ascii=False, indent=2, default=str)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)


def filename(community: str, now: datetime) -> str:
    """`cmbot-export-demo-2026-11-23.json`: what it is, whose community, when; a plain name on every system."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in community) or "community"
    return f"cmbot-export-{safe}-{now.date().isoformat()}.json"
