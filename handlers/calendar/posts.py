"""Store access for the calendar: every read and write of its tables, as plain functions of a database.

Functions take the `sqlite_utils.Database` and run on the store's thread (`await store.run(lambda db: ...)`);
each write commits before returning, so a crash right after a call never loses what it said it did. The
delivery ledger's unique idempotency key is the exactly-once guard: `claim_delivery` inserts the row that says
"sending" before the platform call, and only one caller can ever insert it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from handlers.calendar.lifecycle import Status, TransitionRefused, check_transition


def stamp(instant: datetime) -> str:
    """A fixed-width UTC string: comparing two stamps as text compares the instants."""
    if instant.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def unstamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class Target:
    platform: str
    channel_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.channel_id}"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a member on a platform, or the bot itself / the CLI."""

    platform: str
    member_id: str
    name: str = field(default="", compare=False)  # their display name when they acted, for cards; not identity

    @property
    def shown(self) -> str:
        return self.name or self.member_id


SYSTEM = Actor("system", "cmbot")


@dataclass(frozen=True, slots=True)
class CalendarPost:
    id: int
    community: str
    status: Status
    author: Actor
    body: str
    variants: dict[str, str]
    attachments: tuple[str, ...]
    publish_at: datetime | None
    cron: str | None
    until: datetime | None
    max_count: int | None
    timezone: str
    next_due_at: datetime | None
    occurrences_done: int
    campaign: str | None
    pillar: str | None
    utm: bool
    approved_by: str | None
    rejected_reason: str | None
    published_at: datetime | None
    targets: tuple[Target, ...] = field(default=())
    kind: str = "message"  # or a kind another feature registered (bot.post_kinds): "poll"
    kind_ref: str | None = None  # that feature's id for the post

    @property
    def recurring(self) -> bool:
        return self.cron is not None

    def text_for(self, platform: str) -> str:
        """A platform's variant wins over the body for that platform."""
        return self.variants.get(platform) or self.body


@dataclass(frozen=True, slots=True)
class PostDraft:
    """What a new post holds before it gets an id (from a command, a modal or an import row)."""

    community: str
    author: Actor
    body: str
    targets: tuple[Target, ...]
    timezone: str
    publish_at: datetime | None = None
    cron: str | None = None
    until: datetime | None = None
    max_count: int | None = None
    variants: dict[str, str] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    campaign: str | None = None
    pillar: str | None = None
    utm: bool = True
    kind: str = "message"
    kind_ref: str | None = None


def _row_to_post(row: dict, targets: tuple[Target, ...]) -> CalendarPost:
    return CalendarPost(
        id=row["id"],
        community=row["community"],
        status=Status(row["status"]),
        author=Actor(row["author_platform"], row["author_id"]),
        body=row["body"],
        variants=json.loads(row["variants"] or "{}"),
        attachments=tuple(json.loads(row["attachments"] or "[]")),
        publish_at=unstamp(row["publish_at"]),
        cron=row["cron"],
        until=unstamp(row["until"]),
        max_count=row["max_count"],
        timezone=row["timezone"],
        next_due_at=unstamp(row["next_due_at"]),
        occurrences_done=row["occurrences_done"] or 0,
        campaign=row["campaign"],
        pillar=row["pillar"],
        utm=bool(row["utm"]),
        approved_by=row["approved_by"],
        rejected_reason=row["rejected_reason"],
        published_at=unstamp(row["published_at"]),
        targets=targets,
        kind=row.get("kind") or "message",
        kind_ref=row.get("kind_ref"),
    )


def _history(db: sqlite_utils.Database, post_id: int, community: str, actor: Actor, action: str,
             before: str | None, after: str | None, note: str, now: datetime) -> None:
    db.execute(
        "INSERT INTO calendar_history (post_id, community, at, actor_platform, actor_id, action, from_status,"
        " to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [post_id, community, stamp(now), actor.platform, actor.member_id, action, before, after, note],
    )


def create_post(db: sqlite_utils.Database, draft: PostDraft, status: Status, now: datetime) -> int:
    """Insert a post and its targets in one transaction; returns the new id."""
    next_due = stamp(draft.publish_at) if draft.publish_at and status is not Status.DRAFT else None
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO calendar_posts (community, status, author_platform, author_id, body, variants, attachments,"
            " publish_at, cron, until, max_count, timezone, next_due_at, campaign, pillar, utm, created_at,"
            " updated_at, kind, kind_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                draft.community, status.value, draft.author.platform, draft.author.member_id, draft.body,
                json.dumps(draft.variants), json.dumps(list(draft.attachments)),
                stamp(draft.publish_at) if draft.publish_at else None, draft.cron,
                stamp(draft.until) if draft.until else None, draft.max_count, draft.timezone, next_due,
                draft.campaign, draft.pillar, int(draft.utm), stamp(now), stamp(now), draft.kind, draft.kind_ref,
            ],
        )
        post_id = _inserted_id(cursor)
        _replace_targets(db, post_id, draft.targets)
        _history(db, post_id, draft.community, draft.author, "create", None, status.value, "", now)
    return post_id


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id SQLite gave the row an INSERT just wrote (always set after a successful INSERT)."""
    if cursor.lastrowid is None:
        raise RuntimeError("the insert returned no row id")
    return cursor.lastrowid


def _replace_targets(db: sqlite_utils.Database, post_id: int, targets: Iterable[Target]) -> None:
    db.execute("DELETE FROM calendar_targets WHERE post_id = ?", [post_id])
    for target in dict.fromkeys(targets):
        db.execute("INSERT INTO calendar_targets (post_id, platform, channel_id) VALUES (?, ?, ?)",
                   [post_id, target.platform, target.channel_id])


def get_post(db: sqlite_utils.Database, post_id: int) -> CalendarPost | None:
    rows = list(db.query("SELECT * FROM calendar_posts WHERE id = ?", [post_id]))
    if not rows:
        return None
    targets = tuple(
        Target(r["platform"], r["channel_id"])
        for r in db.query("SELECT platform, channel_id FROM calendar_targets WHERE post_id = ? ORDER BY rowid",
                          [post_id])
    )
    return _row_to_post(rows[0], targets)


def list_posts(db: sqlite_utils.Database, community: str, statuses: Iterable[Status], *, campaign: str | None = None,
               pillar: str | None = None, limit: int = 20) -> list[CalendarPost]:
    wanted = [s.value for s in statuses]
    sql = (f"SELECT id FROM calendar_posts WHERE community = ? AND status IN ({','.join('?' * len(wanted))})")
    params: list[object] = [community, *wanted]
    if campaign:
        sql += " AND campaign = ?"
        params.append(campaign)
    if pillar:
        sql += " AND pillar = ?"
        params.append(pillar)
    sql += " ORDER BY COALESCE(next_due_at, publish_at, created_at), id LIMIT ?"
    params.append(limit)
    ids = [r[0] for r in db.execute(sql, params).fetchall()]
    return [post for post in (get_post(db, i) for i in ids) if post is not None]


def transition(db: sqlite_utils.Database, post_id: int, wanted: Status, actor: Actor, now: datetime, *,
               action: str, note: str = "", expect: Iterable[Status] | None = None, **changes: object) -> Status:
    """Move a post to `wanted` (checked against the lifecycle), set `changes`, record who did it.

    `expect`, when given, restricts the statuses the move may start from (compare-and-set: two clicks on
    "approve" approve once). Returns the status the post had; raises `TransitionRefused` or `LookupError`.
    """
    with db.atomic():
        row = db.execute("SELECT status, community FROM calendar_posts WHERE id = ?", [post_id]).fetchone()
        if row is None:
            raise LookupError(post_id)
        current = Status(row[0])
        check_transition(current, wanted)
        if expect is not None and current not in set(expect):
            raise TransitionRefused(current, wanted)
        values: dict[str, object] = {"status": wanted.value, "updated_at": stamp(now)}
        for key, value in changes.items():
            values[key] = stamp(value) if isinstance(value, datetime) else value
        assignments = ", ".join(f"{key} = ?" for key in values)
        db.execute(f"UPDATE calendar_posts SET {assignments} WHERE id = ? AND status = ?",
                   [*values.values(), post_id, current.value])
        _history(db, post_id, row[1], actor, action, current.value, wanted.value, note, now)
    return current


def update_content(db: sqlite_utils.Database, post_id: int, changes: dict[str, Any],
                   targets: tuple[Target, ...] | None) -> None:
    """Change content columns (body, variants, campaign...) without touching the status."""
    values = {k: (json.dumps(v) if isinstance(v, dict | list | tuple) else v) for k, v in changes.items()}
    with db.atomic():
        if values:
            assignments = ", ".join(f"{key} = ?" for key in values)
            db.execute(f"UPDATE calendar_posts SET {assignments} WHERE id = ?", [*values.values(), post_id])
        if targets is not None:
            _replace_targets(db, post_id, targets)


def due_post_ids(db: sqlite_utils.Database, now: datetime, statuses: Iterable[Status]) -> list[int]:
    wanted = [s.value for s in statuses]
    sql = (f"SELECT id FROM calendar_posts WHERE status IN ({','.join('?' * len(wanted))})"
           " AND next_due_at IS NOT NULL AND next_due_at <= ? ORDER BY next_due_at, id")
    return [r[0] for r in db.execute(sql, [*wanted, stamp(now)]).fetchall()]


def waiting_between(db: sqlite_utils.Database, after: datetime, until: datetime) -> list[tuple[int, str]]:
    """(id, next due) of the posts waiting for a wake-up due in (after, until]: one range of the status index."""
    sql = ("SELECT id, next_due_at FROM calendar_posts WHERE status IN (?, ?, ?)"
           " AND next_due_at > ? AND next_due_at <= ?")
    return [(r[0], r[1]) for r in db.execute(
        sql, [Status.SCHEDULED, Status.PENDING, Status.SENDING, stamp(after), stamp(until)]).fetchall()]


def first_waiting_after(db: sqlite_utils.Database, after: datetime) -> str | None:
    """The earliest next due time after `after` among the posts waiting for a wake-up (None: there is none)."""
    row = db.execute("SELECT MIN(next_due_at) FROM calendar_posts WHERE status IN (?, ?, ?) AND next_due_at > ?",
                     [Status.SCHEDULED, Status.PENDING, Status.SENDING, stamp(after)]).fetchone()
    return row[0] if row else None


# -- the delivery ledger ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class Delivery:
    """A row of the ledger as read or written: a value, never changed once made (not `frozen`: a burst makes one
    per post, and a frozen class's constructor sets each field through `object.__setattr__`, several times the
    cost of the plain assignments)."""

    id: int
    post_id: int
    due_at: datetime
    target: Target
    idempotency_key: str
    status: str
    attempts: int
    late: bool
    message_id: str | None
    error: str | None
    started_at: datetime | None


def _row_to_delivery(row: dict) -> Delivery:
    return Delivery(row["id"], row["post_id"], datetime.fromisoformat(row["due_at"]),
                    Target(row["platform"], row["channel_id"]), row["idempotency_key"], row["status"],
                    row["attempts"] or 0, bool(row["late"]), row["message_id"], row["error"],
                    unstamp(row["started_at"]))


def occurrence_key(post_id: int, due_at: datetime, target: Target) -> str:
    """Stable across restarts: the same occurrence on the same target always has the same key."""
    return key_of(post_id, key_instant(due_at), target)


def key_instant(due_at: datetime) -> str:
    """The due time as an occurrence key writes it (worked out once for the many posts due at one instant)."""
    return f"{due_at.astimezone(UTC):%Y%m%dT%H%M%S}"


def key_of(post_id: int, instant: str, target: Target) -> str:
    return f"cal-{post_id}-{instant}-{target.platform}-{target.channel_id}"


def claim_delivery(db: sqlite_utils.Database, post: CalendarPost, due_at: datetime, target: Target, now: datetime,
                   *, late: bool) -> Delivery | None:
    """Record "sending" for this occurrence on this target before the platform call; None if already claimed."""
    key = occurrence_key(post.id, due_at, target)
    try:
        with db.atomic():
            cursor = db.execute(
                "INSERT INTO calendar_deliveries (post_id, community, due_at, platform, channel_id,"
                " idempotency_key, status, attempts, late, started_at) VALUES (?, ?, ?, ?, ?, ?, 'sending', 0, ?, ?)",
                [post.id, post.community, stamp(due_at), target.platform, target.channel_id, key, int(late),
                 stamp(now)],
            )
    except sqlite3.IntegrityError:
        return None
    return get_delivery(db, _inserted_id(cursor))


def release_delivery(db: sqlite_utils.Database, delivery_id: int) -> bool:
    """Give back a claim whose platform call never began (a clean stop): the occurrence is due again, unsent."""
    with db.atomic():
        cursor = db.execute(
            "DELETE FROM calendar_deliveries WHERE id = ? AND status = 'sending' AND attempts = 0", [delivery_id])
    return cursor.rowcount == 1


def reclaim_delivery(db: sqlite_utils.Database, delivery_id: int, from_statuses: Iterable[str], now: datetime,
                     *, late: bool) -> Delivery | None:
    """Move an existing ledger row (missed, uncertain) back to "sending" for a decided resend; None if taken."""
    wanted = list(from_statuses)
    with db.atomic():
        cursor = db.execute(
            f"UPDATE calendar_deliveries SET status = 'sending', started_at = ?, late = ?, error = NULL,"
            f" revised_while_sending = 0"
            f" WHERE id = ? AND status IN ({','.join('?' * len(wanted))})",
            [stamp(now), int(late), delivery_id, *wanted],
        )
    return get_delivery(db, delivery_id) if cursor.rowcount == 1 else None


def record_missed(db: sqlite_utils.Database, post: CalendarPost, due_at: datetime, target: Target,
                  now: datetime) -> Delivery | None:
    key = occurrence_key(post.id, due_at, target)
    try:
        with db.atomic():
            cursor = db.execute(
                "INSERT INTO calendar_deliveries (post_id, community, due_at, platform, channel_id,"
                " idempotency_key, status, finished_at) VALUES (?, ?, ?, ?, ?, ?, 'missed', ?)",
                [post.id, post.community, stamp(due_at), target.platform, target.channel_id, key, stamp(now)],
            )
    except sqlite3.IntegrityError:
        return None
    return get_delivery(db, _inserted_id(cursor))


def finish_delivery(db: sqlite_utils.Database, delivery_id: int, status: str, now: datetime, *,
                    message_id: str | None = None, error: str | None = None, attempts: int | None = None) -> None:
    with db.atomic():
        db.execute(
            "UPDATE calendar_deliveries SET status = ?, message_id = COALESCE(?, message_id), error = ?,"
            " finished_at = ?, attempts = COALESCE(?, attempts) WHERE id = ?",
            [status, message_id, error, stamp(now), attempts, delivery_id],
        )


def get_delivery(db: sqlite_utils.Database, delivery_id: int) -> Delivery | None:
    rows = list(db.query("SELECT * FROM calendar_deliveries WHERE id = ?", [delivery_id]))
    return _row_to_delivery(rows[0]) if rows else None


def deliveries_with_status(db: sqlite_utils.Database, status: str) -> list[Delivery]:
    return [_row_to_delivery(r) for r in db.query(
        "SELECT * FROM calendar_deliveries WHERE status = ? ORDER BY id", [status])]


def deliveries_of(db: sqlite_utils.Database, post_id: int, due_at: datetime | None = None) -> list[Delivery]:
    sql = "SELECT * FROM calendar_deliveries WHERE post_id = ?"
    params: list[object] = [post_id]
    if due_at is not None:
        sql += " AND due_at = ?"
        params.append(stamp(due_at))
    return [_row_to_delivery(r) for r in db.query(sql + " ORDER BY id", params)]


def published_since(db: sqlite_utils.Database, since: str) -> list[dict]:
    """Deliveries published (with the platform's message id) and finished at or after `since` (an ISO stamp):
    what other features read to recognise our posts (the engagement log credits replies and reactions)."""
    if not db.table("calendar_deliveries").exists():
        return []
    return list(db.table("calendar_deliveries").rows_where(
        "status = 'published' AND message_id IS NOT NULL AND coalesce(finished_at, '') >= ?", [since],
        select="post_id, platform, channel_id, message_id, finished_at",
    ))


def message_ids_on(db: sqlite_utils.Database, target: Target, since: datetime) -> frozenset[str]:
    """Message ids already attributed to deliveries on `target` finished since `since`: after a crash, a
    look-up by text (Discord) must not attribute one of them to another delivery with the same text."""
    rows = db.execute(
        "SELECT message_id FROM calendar_deliveries WHERE platform = ? AND channel_id = ?"
        " AND message_id IS NOT NULL AND coalesce(finished_at, '') >= ?",
        [target.platform, target.channel_id, stamp(since)],
    ).fetchall()
    return frozenset(str(r[0]) for r in rows)


def published_post_for(db: sqlite_utils.Database, platform: str, channel_id: str, message_id: str) -> int | None:
    """The calendar post a platform message is, if any: engagement attributes reactions and replies with it."""
    row = db.execute(
        "SELECT post_id FROM calendar_deliveries WHERE platform = ? AND channel_id = ? AND message_id = ?"
        " AND status = 'published'",
        [platform, channel_id, message_id],
    ).fetchone()
    return int(row[0]) if row else None


def skip_missed(db: sqlite_utils.Database, post_id: int, now: datetime, due_at: datetime | None = None) -> int:
    """Close the missed rows of a post (a CM chose skip, reschedule or post now instead)."""
    sql = "UPDATE calendar_deliveries SET status = 'skipped', finished_at = ? WHERE post_id = ? AND status = 'missed'"
    params: list[object] = [stamp(now), post_id]
    if due_at is not None:
        sql += " AND due_at = ?"
        params.append(stamp(due_at))
    with db.atomic():
        return db.execute(sql, params).rowcount
