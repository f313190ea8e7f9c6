"""Moderation: flags raised, flags decided, the median time from flag to decision, and actions taken.

Read from the moderation feature's `moderation_flags` table (`community`, `platform`, `created_at`,
`decided_at` as ISO UTC times; `status`, the moderator's decision; `auto_action`, what the rules did on their
own). Actions taken are the decisions that acted on the message or the member (deleted, warned, timed out) plus
the automatic deletions of flags raised in the week. When that table is absent (moderation not installed) or
does not have those columns, every figure is zero and `moderation_available` is 0, so the report can say so
instead of pretending nothing happened.
"""

from __future__ import annotations

import sqlite3
import statistics
from datetime import UTC, datetime

import sqlite_utils

from schedules.report.metrics import Number, Scope, table_exists

FLAGS = "moderation_flags"
ACTED = ("deleted", "warned", "timed_out")  # moderators' decisions that did something
PASSIVE_AUTO = ("", "flag")  # automatic actions that only raise the flag


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def moderation(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    empty: dict[str, Number] = {"flags_raised": 0, "flags_decided": 0, "decision_median_s": None,
                                "moderation_actions": 0, "moderation_available": 0}
    if not table_exists(db, FLAGS):
        return empty
    start, end = (_iso(e) for e in scope.bounds)
    where, params = scope.platform_filter()
    acted = ", ".join("?" for _ in ACTED)
    passive = ", ".join("?" for _ in PASSIVE_AUTO)
    try:
        raised, automatic = db.execute(
            f"SELECT count(*), coalesce(sum(coalesce(auto_action, '') NOT IN ({passive})), 0) FROM {FLAGS}"
            f" WHERE community = ? AND created_at >= ? AND created_at < ?{where}",
            [*PASSIVE_AUTO, scope.community.id, start, end, *params],
        ).fetchone()
        decided = db.execute(
            f"SELECT created_at, decided_at, status IN ({acted}) FROM {FLAGS}"
            f" WHERE community = ? AND decided_at >= ? AND decided_at < ?{where}",
            [*ACTED, scope.community.id, start, end, *params],
        ).fetchall()
    except sqlite3.OperationalError:
        return empty
    delays = [
        (datetime.fromisoformat(done) - datetime.fromisoformat(made)).total_seconds()
        for made, done, _ in decided
        if made and done
    ]
    return {
        "flags_raised": raised,
        "flags_decided": len(decided),
        "decision_median_s": float(statistics.median(delays)) if delays else None,
        "moderation_actions": sum(1 for *_, did in decided if did) + automatic,
        "moderation_available": 1,
    }
