"""Versioned schema changes, one function per change, applied at start-up and recorded.

Each feature owns a named migration set (sqlite-utils `Migrations`), declared next to the code that uses the
tables; this module applies them all in a fixed order. Applying is idempotent: a recorded migration never runs
twice, and an upgrade runs only what is new.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils
from sqlite_utils.migrations import Migrations

core = Migrations("core")


@core()
def m001_spaces_seen(db: sqlite_utils.Database) -> None:
    """Platform events already handled, by platform event id: de-duplicates replays and Slack retries."""
    db.table("seen_events").create(
        {"platform": str, "event_id": str, "seen_at": str},
        pk=("platform", "event_id"),
    )
    db.table("seen_events").create_index(["seen_at"])


@core()
def m002_members(db: sqlite_utils.Database) -> None:
    """The members the bot knows of, per community and platform (no content, only ids and dates)."""
    db.table("members").create(
        {
            "community": str,
            "platform": str,
            "member_id": str,
            "display_name": str,
            "joined_at": str,
            "left_at": str,
            "opted_out": int,
        },
        pk=("community", "platform", "member_id"),
        defaults={"opted_out": 0},
    )


@core()
def m003_seen_events_handled(db: sqlite_utils.Database) -> None:
    """Whether a seen event's handling finished: an id recorded by a run that then stopped (the store failed,
    a kill) is handled again when the event comes again, instead of being dropped as seen."""
    db.table("seen_events").add_column("handled", int, not_null_default=1)


def apply_all(db: sqlite_utils.Database, sets: Iterable[Migrations]) -> list[str]:
    """Apply every pending migration of `core` then of `sets`; return the names applied now."""
    applied: list[str] = []
    for migration_set in (core, *sets):
        pending = [f"{migration_set.name}.{m.name}" for m in migration_set.pending(db)]
        migration_set.apply(db)
        applied.extend(pending)
    return applied


def applied_names(db: sqlite_utils.Database) -> list[str]:
    if not db["_sqlite_migrations"].exists():
        return []
    return [f"{r['migration_set']}.{r['name']}" for r in db["_sqlite_migrations"].rows_where(order_by="id")]
