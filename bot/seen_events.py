"""The `seen_events` table's owner: platform event ids already handled, kept as long as a replay can come.

A platform may deliver an event again: Slack retries a delivery it is unsure of (within the hour), Discord
replays events on a resumed session, a restarted bot may see a member's join again. The id is recorded with
the time the event happened; past `KEPT`, no platform delivers it again, so the row only costs space.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

import sqlite_utils

from bot.store.instants import utc_text

TABLE = "seen_events"
KEPT = timedelta(days=7)  # Slack retries within an hour, Discord resumes within minutes: a week is ample
PURGE_BATCH = 5_000  # rows per delete: the write lock is never held for long


def record(db: sqlite_utils.Database, platform: str, event_id: str, at: datetime) -> bool:
    """Record the event as handled; False when it already was (a replay). Committed before returning."""
    with db.atomic():
        cursor = db.execute(
            f"INSERT OR IGNORE INTO {TABLE} (platform, event_id, seen_at, handled) VALUES (?, ?, ?, 1)",
            [platform, event_id, utc_text(at)],
        )
    return cursor.rowcount == 1


class Mark(Enum):
    """What `claim` found: a new event, one already handled, or one whose handling never finished."""

    NEW = "new"
    HANDLED = "handled"
    UNFINISHED = "unfinished"


def claim(db: sqlite_utils.Database, platform: str, event_id: str, at: datetime) -> Mark:
    """Record the event as being handled (committed before returning), or say how it was recorded before.

    The mark is two-phase because the handlers' writes are separate transactions: an id marked seen before
    they land would drop the retry of an event whose writes failed. So the id is claimed `handled = 0`, set to
    1 by `finish` once every handler ran, and `release`d if they failed; a row left at 0 (the store failed for
    good, the process was killed) means the next delivery handles the event again."""
    with db.atomic():
        inserted = db.execute(
            f"INSERT OR IGNORE INTO {TABLE} (platform, event_id, seen_at, handled) VALUES (?, ?, ?, 0)",
            [platform, event_id, utc_text(at)],
        ).rowcount
        if inserted:
            return Mark.NEW
        row = db.execute(f"SELECT handled FROM {TABLE} WHERE platform = ? AND event_id = ?",
                         [platform, event_id]).fetchone()
    return Mark.HANDLED if row is not None and row[0] else Mark.UNFINISHED


def finish(db: sqlite_utils.Database, platform: str, event_id: str) -> None:
    """The event's handlers all ran: from now on a delivery of it is a replay."""
    with db.atomic():
        db.execute(f"UPDATE {TABLE} SET handled = 1 WHERE platform = ? AND event_id = ?", [platform, event_id])


def release(db: sqlite_utils.Database, platform: str, event_id: str) -> None:
    """Undo a claim whose handling failed, so the platform's next delivery is handled."""
    with db.atomic():
        db.execute(f"DELETE FROM {TABLE} WHERE platform = ? AND event_id = ? AND handled = 0", [platform, event_id])


PURGE_SQL = (
    f"DELETE FROM {TABLE} WHERE rowid IN (SELECT rowid FROM {TABLE} WHERE seen_at < ? ORDER BY seen_at LIMIT ?)"
)


def purge(db: sqlite_utils.Database, now: datetime, kept: timedelta = KEPT) -> int:
    """Delete the ids of events older than `kept`, in short batches through the `seen_at` index."""
    before = utc_text(now - kept)
    removed = 0
    while True:
        with db.atomic():
            count = db.execute(PURGE_SQL, [before, PURGE_BATCH]).rowcount
        removed += count
        if count < PURGE_BATCH:
            return removed


# Ids that name a member carry it as a whole colon-separated field (`join:<guild>:<member>:<date>`).
_NAMING = f"DELETE FROM {TABLE} WHERE platform = ? AND event_id LIKE ? ESCAPE '\\'"


def forget_member(db: sqlite_utils.Database, platform: str, member_id: str) -> int:
    """Delete the ids of events that name the member (`…:<member id>:…`, as a join's id does); returns how many.

    Runs in the caller's transaction (forget-me erases everything or nothing), so it neither begins nor commits."""
    escaped = member_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return db.execute(_NAMING, [platform, f"%:{escaped}:%"]).rowcount
