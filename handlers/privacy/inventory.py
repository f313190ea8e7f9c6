"""What forget-me and export reach, in the member's words: « les statistiques de vos messages (30), votre
accueil (2), vos signalements (1) », never table names.

Every feature's `PersonalData` declaration carries a catalogue label, so a new feature's data appears here by
itself. Rows are counted with the same `WHERE` as forget-me and export (`handlers.privacy.tables.where`), by
label, in the order the features declared them; a declaration without a label (a bug the test suite catches)
is still listed, by its table, rather than hidden.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from bot.i18n import Catalogue, MissingMessage
from bot.personal_data import PersonalData
from handlers.privacy.accounts import Account
from handlers.privacy.forget import SANCTION_STATUSES, KeepSanctions, holds_sanctions
from handlers.privacy.tables import existing, personal_tables, where


def inventory(db: sqlite_utils.Database, community: str, accounts: Iterable[Account],
              declarations: Iterable[PersonalData], keep: KeepSanctions | None = None) -> dict[str, int]:
    """The accounts' rows per label key (insertion order: the declarations' order). With `keep`, the recent
    sanctions forget-me keeps are left out (they are told apart, in their own sentence)."""
    accounts = list(accounts)
    counts: dict[str, int] = {}
    for declaration in existing(db, personal_tables(declarations)):
        total = 0
        for account in accounts:
            clause, params = where(declaration, community, account)
            if keep is not None and holds_sanctions(declaration):
                marks = ", ".join("?" for _ in SANCTION_STATUSES)
                clause += f" AND NOT (status IN ({marks}) AND created_at >= ?)"
                params = [*params, *SANCTION_STATUSES, keep.since.isoformat()]
            total += db.execute(f"SELECT count(*) FROM [{declaration.table}] WHERE {clause}", params).fetchone()[0]
        if total:
            key = declaration.label or f"table:{declaration.table}"
            counts[key] = counts.get(key, 0) + total
    return counts


def described(counts: dict[str, int], catalogue: Catalogue, locale: str) -> str:
    """« les statistiques de vos messages (30), votre accueil (2) », or « rien » when there is nothing."""
    parts = [catalogue.string(locale, "privacy.data_item", what=_name(key, catalogue, locale), count=count)
             for key, count in counts.items()]
    return ", ".join(parts) or catalogue.string(locale, "privacy.data_nothing")


def _name(key: str, catalogue: Catalogue, locale: str) -> str:
    if key.startswith("table:"):
        return catalogue.string(locale, "privacy.data_unnamed", table=key.removeprefix("table:"))
    try:
        return catalogue.string(locale, key)
    except MissingMessage:
        return catalogue.string(locale, "privacy.data_unnamed", table=key)
