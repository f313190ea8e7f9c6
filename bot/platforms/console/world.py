"""The console's world in the database: its members, roles, messages (with their buttons) and counters.

The console stands in for Discord or Slack, which keep their own history; so that a console session can be
stopped (or killed) and run again where it left off, the simulated community keeps its state in the store,
in the `console_*` tables this module owns. A restart then knows who joined, which message ids exist (the
calendar looks a post up by its idempotency key after a crash), which buttons a message carries, and goes on
numbering messages and events where it stopped.

Writes are explicit: the community notes what changed (`dirty`), and `save` writes it in one transaction,
before the platform answers or the event is handled, so what the console has shown is what it will remember.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from bot.actions import Button, ButtonStyle
from bot.events import Member

MEMBERS, MESSAGES, STATE = "console_members", "console_messages", "console_state"


@dataclass
class Changes:
    """What changed in the simulated community since the last save."""

    members: set[str] = field(default_factory=set)
    messages: set[str] = field(default_factory=set)
    counters: bool = False

    def __bool__(self) -> bool:
        return bool(self.members or self.messages or self.counters)


@dataclass(frozen=True)
class MemberRow:
    member: Member
    departed: bool
    dms_closed: bool


@dataclass(frozen=True)
class MessageRow:
    id: str
    seq: int
    channel: str
    author: str
    text: str
    at: datetime
    buttons: tuple[Button, ...]
    idempotency_key: str | None
    deleted: bool


@dataclass
class Snapshot:
    members: list[MemberRow]
    messages: list[MessageRow]
    counters: dict[str, str]


def create_tables(db: sqlite_utils.Database) -> None:
    db.table(MEMBERS).create({"id": str, "display_name": str, "roles": str, "joined_at": str, "departed": int,
                        "dms_closed": int}, pk="id", if_not_exists=True)  # fmt: skip
    db.table(MESSAGES).create({"id": str, "seq": int, "channel": str, "author": str, "text": str, "at": str,
                         "buttons": str, "idempotency_key": str, "deleted": int},
                        pk="id", if_not_exists=True)  # fmt: skip
    db.table(MESSAGES).create_index(["seq"], if_not_exists=True)
    db.table(MESSAGES).create_index(["idempotency_key"], if_not_exists=True)
    db.table(STATE).create({"key": str, "value": str}, pk="key", if_not_exists=True)


def save(db: sqlite_utils.Database, members: Iterable[MemberRow], messages: Iterable[MessageRow],
         counters: dict[str, str]) -> None:  # fmt: skip
    """Write the changed rows in one transaction: all of them or, on a failure, none."""
    with db.atomic():
        db.conn.executemany(
            f"INSERT OR REPLACE INTO {MEMBERS} (id, display_name, roles, joined_at, departed, dms_closed) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(r.member.id, r.member.display_name, json.dumps(sorted(r.member.roles)),
              r.member.joined_at.isoformat() if r.member.joined_at else None, int(r.departed), int(r.dms_closed))
             for r in members],
        )  # fmt: skip
        db.conn.executemany(
            f"INSERT OR REPLACE INTO {MESSAGES} (id, seq, channel, author, text, at, buttons, idempotency_key, "
            "deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(m.id, m.seq, m.channel, m.author, m.text, m.at.isoformat(),
              json.dumps([[b.custom_id, b.label, str(b.style)] for b in m.buttons]), m.idempotency_key,
              int(m.deleted)) for m in messages],
        )  # fmt: skip
        db.conn.executemany(f"INSERT OR REPLACE INTO {STATE} (key, value) VALUES (?, ?)", list(counters.items()))


def load(db: sqlite_utils.Database, messages_kept: int) -> Snapshot:
    """The saved world: every member, the most recent `messages_kept` messages in order, and the counters."""
    if not db[STATE].exists():
        return Snapshot([], [], {})
    members = [
        MemberRow(Member(id=r["id"], display_name=r["display_name"], roles=frozenset(json.loads(r["roles"])),
                         joined_at=datetime.fromisoformat(r["joined_at"]) if r["joined_at"] else None),
                  bool(r["departed"]), bool(r["dms_closed"]))
        for r in db.query(f"SELECT * FROM {MEMBERS} ORDER BY rowid")
    ]  # fmt: skip
    recent = db.query(f"SELECT * FROM (SELECT * FROM {MESSAGES} ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                      [messages_kept])  # fmt: skip
    messages = [
        MessageRow(r["id"], r["seq"], r["channel"], r["author"], r["text"], datetime.fromisoformat(r["at"]),
                   tuple(Button(i, label, ButtonStyle(style)) for i, label, style in json.loads(r["buttons"])),
                   r["idempotency_key"], bool(r["deleted"]))
        for r in recent
    ]  # fmt: skip
    counters = {r["key"]: r["value"] for r in db.query(f"SELECT key, value FROM {STATE}")}
    return Snapshot(members, messages, counters)


def saved_clock(db: sqlite_utils.Database) -> datetime | None:
    """Where the simulated clock stood when the console last saved, so a restart goes on from there."""
    if not db[STATE].exists():
        return None
    row = db.execute(f"SELECT value FROM {STATE} WHERE key = 'clock'").fetchone()
    return datetime.fromisoformat(row[0]) if row else None
