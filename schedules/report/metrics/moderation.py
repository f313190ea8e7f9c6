"""Moderation: flags raised, flags decided, the median time from flag to decision, and actions taken.

Read through the moderation feature's flag ledger (`handlers/moderation/flags.py`, the table's owner).
Actions taken are the decisions that acted on the message or the member (deleted, warned, timed out) plus the
automatic deletions of flags raised in the week. When that table is absent (moderation not installed) or does
not have the columns read, every figure is zero and `moderation_available` is 0, so the report can say so
instead of pretending nothing happened.
"""

from __future__ import annotations

import sqlite3
import statistics
from datetime import UTC, datetime

import sqlite_utils

from handlers.moderation import flags
from schedules.report.metrics import Number, Scope, table_exists


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def moderation(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    empty: dict[str, Number] = {"flags_raised": 0, "flags_decided": 0, "decision_median_s": None,
                                "moderation_actions": 0, "moderation_available": 0}
    if not table_exists(db, flags.TABLE):
        return empty
    start, end = (_at(e) for e in scope.bounds)
    try:
        raised, automatic = flags.raised_between(db, scope.community.id, start, end, scope.platform)
        decided = flags.decided_between(db, scope.community.id, start, end, scope.platform)
    except sqlite3.OperationalError:
        return empty
    delays = [(done - made).total_seconds() for made, done, _ in decided if made and done]
    return {
        "flags_raised": raised,
        "flags_decided": len(decided),
        "decision_median_s": float(statistics.median(delays)) if delays else None,
        "moderation_actions": sum(1 for *_, did in decided if did) + automatic,
        "moderation_available": 1,
    }
