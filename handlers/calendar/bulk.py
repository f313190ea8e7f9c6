"""The calendar's reads and writes for many posts at once: what the posts due in the same second share.

The per-post functions in `handlers.calendar.posts` take a handful of statements each; a thousand posts due
together would take thousands of statements one after the other on the store's thread. These take a few
set-based statements for the lot (`IN` lists, `executemany`, one multi-row `INSERT … RETURNING`), with the very
same rules: the lifecycle is checked for every move, every move is written to the history, and a delivery is
claimed by inserting its ledger row under the unique idempotency key, so a key someone already holds is never
claimed twice. Like the per-post functions they run on the store's thread, inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from handlers.calendar.lifecycle import Status, check_transition
from handlers.calendar.posts import (
    Actor,
    CalendarPost,
    Delivery,
    Target,
    _row_to_delivery,
    _row_to_post,
    key_instant,
    key_of,
    occurrence_key,
    stamp,
)

CHUNK = 500  # values per IN list or multi-row INSERT: well inside SQLite's limit on bound parameters
_CLAIM_COLUMNS = "post_id, community, due_at, platform, channel_id, idempotency_key, status, attempts, late, started_at"


@dataclass(frozen=True, slots=True)
class Move:
    """A post's status change, checked against the lifecycle like `posts.transition`."""

    post_id: int
    community: str
    current: Status
    wanted: Status
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Claim:
    post: CalendarPost
    due_at: datetime
    target: Target
    late: bool

    @property
    def key(self) -> str:
        return occurrence_key(self.post.id, self.due_at, self.target)


@dataclass(frozen=True, slots=True)
class Finish:
    delivery_id: int
    status: str
    message_id: str | None = None
    error: str | None = None
    attempts: int | None = None


class Stamps(dict[datetime, str]):
    """`stamp` of each instant, worked out once: the posts due together share one due time."""

    def __missing__(self, instant: datetime) -> str:
        text = self[instant] = stamp(instant)
        return text


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def get_posts(db: sqlite_utils.Database, post_ids: Iterable[int]) -> dict[int, CalendarPost]:
    """The posts with these ids (missing ones are left out), with their targets in their order."""
    ids = list(dict.fromkeys(post_ids))
    rows: list[dict[str, Any]] = []
    targets: dict[int, list[Target]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows += _dicts(db.execute(f"SELECT * FROM calendar_posts WHERE id IN ({marks})", list(chunk)))
        for post_id, platform, channel_id in db.execute(
                f"SELECT post_id, platform, channel_id FROM calendar_targets WHERE post_id IN ({marks})"
                " ORDER BY rowid", list(chunk)).fetchall():
            targets.setdefault(post_id, []).append(Target(platform, channel_id))
    return {row["id"]: _row_to_post(row, tuple(targets.get(row["id"], ()))) for row in rows}


def transition_many(db: sqlite_utils.Database, moves: Sequence[Move], actor: Actor, now: datetime, *,
                    action: str) -> None:
    """Apply every move (each checked against the lifecycle) and write each to the history.

    The caller read the current statuses in this same transaction; a post whose status changed meanwhile is
    a bug, and raises `LookupError` so the whole piece is rolled back."""
    at = stamp(now)
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    for move in moves:
        check_transition(move.current, move.wanted)
        values = {key: stamp(value) if isinstance(value, datetime) else value for key, value in move.changes.items()}
        by_columns.setdefault(tuple(values), []).append(
            [move.wanted.value, at, *values.values(), move.post_id, move.current.value])
    for columns, params in by_columns.items():
        assignments = "".join(f", {column} = ?" for column in columns)
        cursor = db.conn.executemany(
            f"UPDATE calendar_posts SET status = ?, updated_at = ?{assignments} WHERE id = ? AND status = ?", params)
        if cursor.rowcount != len(params):
            raise LookupError("a post changed status while it was being moved")
    db.conn.executemany(
        "INSERT INTO calendar_history (post_id, community, at, actor_platform, actor_id, action, from_status,"
        " to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
        [(m.post_id, m.community, at, actor.platform, actor.member_id, action, m.current.value, m.wanted.value)
         for m in moves])


@dataclass(frozen=True, slots=True)
class Seen:
    """A post as a delivery read it ahead of its due time: what must still hold for that read to be used."""

    post_id: int
    community: str
    revision: int
    next_due_at: datetime
    occurrences_done: int


def revisions(db: sqlite_utils.Database, post_ids: Sequence[int]) -> dict[int, int]:
    """Each post's revision (moved on by the database at every change of content, targets or schedule)."""
    found: dict[int, int] = {}
    for chunk in _chunks(list(post_ids)):
        found.update(db.execute(f"SELECT id, revision FROM calendar_posts WHERE id IN ({','.join('?' * len(chunk))})",
                                list(chunk)).fetchall())
    return found


def start_seen(db: sqlite_utils.Database, seen: Sequence[Seen], actor: Actor, now: datetime) -> set[int]:
    """Move to `sending` every post still exactly as it was read (same revision, due time and count of
    occurrences, still `scheduled`), with its history; the ids moved.

    A post edited, rescheduled or cancelled since it was read is left untouched: its caller reads it again.

    Each chunk is one `UPDATE … FROM (VALUES …)` and one `INSERT … SELECT` of its history: SQLite steps each
    statement once, where an `UPDATE … RETURNING` or an `executemany` steps once per post, and every step gives
    the interpreter lock away and takes it back (while the event loop runs, a switch each time). When a post
    changed since its read (rare: the update moved fewer posts than asked), the update is undone and made again
    with `RETURNING`, which names the posts it moved."""
    check_transition(Status.SCHEDULED, Status.SENDING)
    at = stamp(now)
    stamps = Stamps()
    moved: list[int] = []
    together: dict[tuple[str, int], list[Seen]] = {}  # by what the posts of an instant share: due time and count
    for one in seen:
        together.setdefault((stamps[one.next_due_at], one.occurrences_done), []).append(one)
    for (due, done), alike in together.items():
        for chunk in _chunks(alike):
            values = ",".join(["(?, ?)"] * len(chunk))
            params: list[Any] = [Status.SENDING.value, at]
            for one in chunk:
                params += [one.post_id, one.revision]
            params += [due, done, Status.SCHEDULED.value]
            sql = (f"UPDATE calendar_posts SET status = ?, updated_at = ? FROM (VALUES {values}) AS seen"
                   " WHERE calendar_posts.id = seen.column1 AND calendar_posts.revision = seen.column2"
                   " AND calendar_posts.next_due_at = ? AND calendar_posts.occurrences_done = ?"
                   " AND calendar_posts.status = ?")
            try:
                with db.atomic():
                    if db.execute(sql, params).rowcount != len(chunk):
                        raise _Fewer
                moved += [one.post_id for one in chunk]
            except _Fewer:
                moved += [row[0] for row in db.execute(f"{sql} RETURNING calendar_posts.id", params).fetchall()]
    for part in _chunks(moved):
        db.execute(
            "INSERT INTO calendar_history (post_id, community, at, actor_platform, actor_id, action, from_status,"
            " to_status, note) SELECT id, community, ?, ?, ?, 'send', ?, ?, '' FROM calendar_posts"
            f" WHERE id IN ({','.join('?' * len(part))})",
            [at, actor.platform, actor.member_id, Status.SCHEDULED.value, Status.SENDING.value, *part])
    return set(moved)


class _Fewer(Exception):
    """A set-based statement touched fewer rows than asked: undone, and made again the way that names them."""


def claim_many(db: sqlite_utils.Database, claims: Sequence[Claim], now: datetime) -> list[Delivery | None]:
    """Insert a `sending` ledger row for every claim whose key is free; for each claim, in order, the row
    inserted now, or None when its key was already in the ledger (sent, missed, in flight before a crash,
    claimed by another caller), exactly as `posts.claim_delivery` answers."""
    inserted: dict[str, int] = {}
    stamps = Stamps()
    instants: dict[datetime, tuple[str, str, datetime]] = {}  # due -> its stamp, its key part, as a read gives it
    for claim in claims:
        if claim.due_at not in instants:
            due = stamps[claim.due_at]
            instants[claim.due_at] = (due, key_instant(claim.due_at), datetime.fromisoformat(due))
    keys = [key_of(claim.post.id, instants[claim.due_at][1], claim.target) for claim in claims]
    at = stamp(now)
    for start in range(0, len(claims), CHUNK):
        chunk = claims[start:start + CHUNK]
        params: list[Any] = []
        for claim, key in zip(chunk, keys[start:start + CHUNK], strict=True):
            params += [claim.post.id, claim.post.community, instants[claim.due_at][0], claim.target.platform,
                       claim.target.channel_id, key, "sending", 0, int(claim.late), at]
        values = ",".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
        cursor = db.execute(f"INSERT INTO calendar_deliveries ({_CLAIM_COLUMNS}) VALUES {values}"
                            " ON CONFLICT DO NOTHING RETURNING idempotency_key, id", params)
        inserted.update(cursor.fetchall())
    started = datetime.fromisoformat(at)  # the row as a read would give it back
    return [None if (row_id := inserted.get(key)) is None else
            Delivery(row_id, claim.post.id, instants[claim.due_at][2], claim.target, key, "sending", 0, claim.late,
                     None, None, started)
            for claim, key in zip(claims, keys, strict=True)]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A claim of a post's first target worked out when the post was read ahead of its due time: at the instant
    only the facts of the instant (late or not, when) are added to its row."""

    post_id: int
    values: tuple[Any, ...]  # post_id, community, due_at, platform, channel_id, idempotency_key
    due_at: datetime  # as a read of the row gives it back
    target: Target

    @classmethod
    def of(cls, post: CalendarPost, due_at: datetime, target: Target) -> Prepared:
        due = stamp(due_at)
        return cls(post.id, (post.id, post.community, due, target.platform, target.channel_id,
                             occurrence_key(post.id, due_at, target)), datetime.fromisoformat(due), target)


def claim_prepared(db: sqlite_utils.Database, claims: Sequence[tuple[Prepared, bool]],
                   now: datetime) -> list[Delivery | None]:
    """`claim_many` for claims prepared ahead, each with whether it is late: the same rows, the same answers.

    Each chunk is one multi-row `INSERT`, and the ids of its rows one `SELECT` that answers in a single row
    (SQLite steps each statement once, where `RETURNING` steps once per row, each step a give and take of the
    interpreter lock): when every key was free (the insert wrote as many rows as asked), the rows holding the
    chunk's keys are the ones written now. When a key was taken, the insert is undone and made again with
    `RETURNING`, which names the rows it wrote."""
    inserted: dict[str, int] = {}
    at = stamp(now)
    together: dict[tuple[Any, ...], list[Prepared]] = {}  # by what the posts of an instant share
    for prepared, late in claims:
        _, community, due, platform, _, _ = prepared.values
        together.setdefault((community, due, platform, int(late)), []).append(prepared)
    for (community, due, platform, late), alike in together.items():
        for chunk in _chunks(alike):
            params: list[Any] = [community, due, platform, late, at]
            for prepared in chunk:
                post_id, _, _, _, channel_id, key = prepared.values
                params += (post_id, channel_id, key)
            values = ",".join(["(?, ?, ?)"] * len(chunk))
            sql = (f"INSERT INTO calendar_deliveries ({_CLAIM_COLUMNS}) SELECT column1, ?1, ?2, ?3, column2,"
                   f" column3, 'sending', 0, ?4, ?5 FROM (VALUES {values}) WHERE true ON CONFLICT DO NOTHING")
            keys = [prepared.values[5] for prepared in chunk]
            try:
                with db.atomic():
                    if db.execute(sql, params).rowcount != len(chunk):
                        raise _Fewer
                inserted.update(json.loads(db.execute(
                    "SELECT json_group_object(idempotency_key, id) FROM calendar_deliveries"
                    f" WHERE idempotency_key IN ({','.join('?' * len(keys))})", keys).fetchone()[0]))
            except _Fewer:
                inserted.update(db.execute(f"{sql} RETURNING idempotency_key, id", params).fetchall())
    started = datetime.fromisoformat(at)
    return [None if (row_id := inserted.get(prepared.values[5])) is None else
            Delivery(row_id, prepared.post_id, prepared.due_at, prepared.target, prepared.values[5], "sending", 0,
                     late, None, None, started)
            for prepared, late in claims]


def finish_many(db: sqlite_utils.Database, finishes: Sequence[Finish], now: datetime) -> None:
    """Record the outcome of many sends, as `posts.finish_delivery` does for one."""
    at = stamp(now)
    db.conn.executemany(
        "UPDATE calendar_deliveries SET status = ?, message_id = COALESCE(?, message_id), error = ?,"
        " finished_at = ?, attempts = COALESCE(?, attempts) WHERE id = ?",
        [(f.status, f.message_id, f.error, at, f.attempts, f.delivery_id) for f in finishes])


def deliveries_of_many(db: sqlite_utils.Database,
                       occurrences: Iterable[tuple[int, datetime]]) -> dict[tuple[int, str], list[Delivery]]:
    """The ledger rows of each (post id, occurrence due time), keyed by (post id, stamped due time)."""
    wanted = sorted({(post_id, stamp(due)) for post_id, due in occurrences})
    found: dict[tuple[int, str], list[Delivery]] = {key: [] for key in wanted}
    for chunk in _chunks(wanted):
        cursor = db.execute(deliveries_sql(len(chunk)), [value for pair in chunk for value in pair])
        for row in _dicts(cursor):
            found[(row["post_id"], row["due_at"])].append(_row_to_delivery(row))
    for rows in found.values():
        rows.sort(key=lambda delivery: delivery.id)
    return found


def deliveries_sql(occurrences: int) -> str:
    """The ledger rows of `occurrences` (post id, due time) pairs: one index search per pair, never a scan of
    the whole ledger (a row-value `IN` list would scan it)."""
    pairs = ",".join(["(?, ?)"] * occurrences)
    return (f"SELECT d.* FROM (VALUES {pairs}) AS wanted CROSS JOIN calendar_deliveries AS d"
            " ON d.post_id = wanted.column1 AND d.due_at = wanted.column2")
