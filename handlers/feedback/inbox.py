"""The feedback inbox's table owner: every read and write of `feedback_items` and `feedback_history`.

Functions take the sqlite-utils database and run on the store's thread (`await store.run(...)`). A decision is a
conditional update (`… WHERE status IN …`), so two CMs clicking at once decide once and the second is told.
Instants are epoch seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from handlers.feedback.migrations import ERASED_CARDS, HISTORY, ITEMS

OPEN, ACKNOWLEDGED, DONE = "open", "acknowledged", "done"
SOURCES = ("command", "channel", "mark")
ACTIONS = ("ack", "answer", "done")
# The statuses from which each decision may be taken: acknowledging twice or deciding on a closed one is stale.
ALLOWED_FROM = {"ack": (OPEN,), "answer": (OPEN, ACKNOWLEDGED), "done": (OPEN, ACKNOWLEDGED)}


@dataclass(frozen=True, slots=True)
class Draft:
    """A feedback about to be stored. `text` only for `/feedback`; `message_id` and `link` for a message."""

    community: str
    platform: str
    space_id: str
    member_id: str | None
    member_name: str
    source: str
    kind: str
    channel_id: str | None
    created_at: int
    text: str | None = None
    message_id: str | None = None
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    community: str
    platform: str
    space_id: str
    member_id: str | None
    member_name: str
    source: str
    kind: str
    text: str | None
    channel_id: str | None
    message_id: str | None
    link: str | None
    created_at: int
    status: str
    acknowledged_at: int | None
    answered_at: int | None
    closed_at: int | None
    answer: str | None
    text_erased_at: int | None
    card_channel_id: str | None
    card_message_id: str | None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Item:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class Decision:
    action: str
    by: str
    by_name: str
    at: int


def record(db: sqlite_utils.Database, draft: Draft) -> tuple[int, bool]:
    """Store a feedback; (its id, True) when new. A message already in the inbox gives (its id, False)."""
    if draft.message_id is not None:
        existing = db.execute(
            f"SELECT id FROM {ITEMS} WHERE community = ? AND platform = ? AND channel_id = ? AND message_id = ?",
            [draft.community, draft.platform, draft.channel_id, draft.message_id],
        ).fetchone()
        if existing is not None:
            return int(existing[0]), False
    with db.atomic():
        cursor = db.execute(
            f"INSERT INTO {ITEMS} (community, platform, space_id, member_id, member_name, source, kind, text,"
            " channel_id, message_id, link, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [draft.community, draft.platform, draft.space_id, draft.member_id, draft.member_name, draft.source,
             draft.kind, draft.text, draft.channel_id, draft.message_id, draft.link, draft.created_at, OPEN],
        )
    return int(cursor.lastrowid or 0), True


def take(db: sqlite_utils.Database, draft: Draft) -> tuple[Item, bool]:
    """`record` and the stored item read back, in one store trip: what a new feedback's card is drawn from."""
    feedback_id, created = record(db, draft)
    item = get(db, feedback_id)
    if item is None:  # cannot happen: the row was just written or found in this very trip
        raise LookupError(f"feedback {feedback_id} vanished while being recorded")
    return item, created


def get(db: sqlite_utils.Database, feedback_id: int) -> Item | None:
    rows = list(db.query(f"SELECT * FROM {ITEMS} WHERE id = ?", [feedback_id]))
    return Item.of(rows[0]) if rows else None


def decisions(db: sqlite_utils.Database, feedback_id: int) -> list[Decision]:
    """Every decision taken on a feedback, oldest first (the card's footer)."""
    return [Decision(r["action"], r["by"] or "", r["by_name"] or "", int(r["at"])) for r in db.query(
        f"SELECT action, by, by_name, at FROM {HISTORY} WHERE feedback_id = ? ORDER BY at, rowid", [feedback_id])]


def set_card(db: sqlite_utils.Database, feedback_id: int, channel_id: str, message_id: str) -> None:
    with db.atomic():
        db.execute(f"UPDATE {ITEMS} SET card_channel_id = ?, card_message_id = ? WHERE id = ?",
                   [channel_id, message_id, feedback_id])


def decide(db: sqlite_utils.Database, feedback_id: int, action: str, by: str, by_name: str, at: int,
           answer: str | None = None, allowed: tuple[str, ...] | None = None) -> bool:
    """Record `action` (ack, answer, done) if the feedback's status still allows it; False when it is stale.

    Any decision is the team's first response when none came before (`acknowledged_at`); answering keeps the
    answer's words (erased with the feedback's text) and the time; closing sets `closed_at`. `allowed` widens
    the statuses accepted (an answer already delivered is recorded even if a colleague closed it meanwhile);
    a closed feedback stays closed."""
    allowed = allowed or ALLOWED_FROM[action]
    marks = ", ".join("?" for _ in allowed)
    status = DONE if action == "done" else ACKNOWLEDGED
    extras: dict[str, tuple[str, list[Any]]] = {
        "ack": ("", []), "answer": (", answered_at = ?, answer = ?", [at, answer]), "done": (", closed_at = ?", [at])}
    extra, extra_params = extras[action]
    with db.atomic():
        changed = db.execute(
            f"UPDATE {ITEMS} SET status = CASE WHEN status = '{DONE}' THEN status ELSE ? END,"
            f" acknowledged_at = coalesce(acknowledged_at, ?){extra} WHERE id = ? AND status IN ({marks})",
            [status, at, *extra_params, feedback_id, *allowed],
        ).rowcount
        if changed:
            db.execute(
                f"INSERT INTO {HISTORY} (feedback_id, community, platform, action, by, by_name, at)"
                f" SELECT id, community, platform, ?, ?, ?, ? FROM {ITEMS} WHERE id = ?",
                [action, by, by_name, at, feedback_id],
            )
    return bool(changed)


def erase_words(db: sqlite_utils.Database, community: str, before: int, now: int) -> list[Item]:
    """Erase the text and the answer of the community's feedback received before `before`; returns the items
    that lost words (their cards are to be redrawn without them)."""
    with db.atomic():
        ids = [r[0] for r in db.execute(
            f"SELECT id FROM {ITEMS} WHERE community = ? AND created_at < ?"
            " AND (text IS NOT NULL OR answer IS NOT NULL)", [community, before]).fetchall()]
        for feedback_id in ids:
            db.execute(f"UPDATE {ITEMS} SET text = NULL, answer = NULL, text_erased_at = ? WHERE id = ?",
                       [now, feedback_id])
    return [item for item in (get(db, feedback_id) for feedback_id in ids) if item is not None]


def delete_before(db: sqlite_utils.Database, community: str, before: int) -> int:
    """Delete the community's feedback received before `before`, with its history; returns how many."""
    with db.atomic():
        db.execute(f"DELETE FROM {HISTORY} WHERE feedback_id IN"
                   f" (SELECT id FROM {ITEMS} WHERE community = ? AND created_at < ?)", [community, before])
        return db.execute(f"DELETE FROM {ITEMS} WHERE community = ? AND created_at < ?",
                          [community, before]).rowcount


@dataclass(frozen=True, slots=True)
class ErasedCard:
    feedback_id: int
    community: str
    platform: str
    channel_id: str
    message_id: str


def erased_cards(db: sqlite_utils.Database, limit: int = 200) -> list[ErasedCard]:
    """Cards of feedback that no longer exists, oldest first: each is to be redrawn as erased."""
    return [ErasedCard(int(r[0]), r[1], r[2], r[3], r[4]) for r in db.execute(
        f"SELECT feedback_id, community, platform, channel_id, message_id FROM {ERASED_CARDS}"
        " ORDER BY rowid LIMIT ?", [limit]).fetchall()]


def card_cleared(db: sqlite_utils.Database, card: ErasedCard) -> None:
    with db.atomic():
        db.execute(f"DELETE FROM {ERASED_CARDS} WHERE platform = ? AND channel_id = ? AND message_id = ?",
                   [card.platform, card.channel_id, card.message_id])


def given_by(db: sqlite_utils.Database, community: str, start: int, end: int) -> dict[tuple[str, str], int]:
    """How much feedback each member gave between `start` and `end` (platform, member id -> count): a signal of
    engagement for other features (ambassadors), never the words."""
    rows = db.execute(
        f"SELECT platform, member_id, count(*) FROM {ITEMS} WHERE community = ? AND created_at >= ?"
        " AND created_at < ? AND member_id IS NOT NULL GROUP BY platform, member_id", [community, start, end],
    ).fetchall()
    return {(platform, member): count for platform, member, count in rows}


def listed(db: sqlite_utils.Database, community: str, statuses: tuple[str, ...], kind: str | None,
           offset: int, limit: int) -> tuple[list[Item], int]:
    """One page of the community's feedback in `statuses` (of one `kind` when given) and how many there are in
    all. Feedback still waiting comes oldest first (what waits longest matters most); closed feedback comes
    most recently closed first."""
    marks = ", ".join("?" for _ in statuses)
    where = f"community = ? AND status IN ({marks})" + (" AND kind = ?" if kind else "")
    params: list[Any] = [community, *statuses, *([kind] if kind else [])]
    (total,) = db.execute(f"SELECT count(*) FROM {ITEMS} WHERE {where}", params).fetchone()
    order = "coalesce(closed_at, created_at) DESC, id DESC" if statuses == (DONE,) else "created_at, id"
    rows = db.query(f"SELECT * FROM {ITEMS} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, limit, offset])
    return [Item.of(row) for row in rows], int(total)
