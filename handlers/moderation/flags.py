"""Flags in the store: written before the queue card is posted, so a crash never loses a finding.

Functions here take the sqlite-utils database and run on the store's thread (`await store.run(...)`).
A decision is recorded with a conditional update, so two moderators clicking at once cannot both act.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlite_utils

from bot.store.instants import utc_text

EXCERPT_CHARS = 160
OPEN = "open"
DECISIONS = ("dismissed", "deleted", "warned", "timed_out")
ACTED = ("deleted", "warned", "timed_out")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A short, storable piece of the message: no lone surrogates, no control characters, bounded length.

    Most messages are printable all along their first `2 × limit` characters, and a surrogate is not
    printable: such a head is already what the round trip through UTF-16 would give, and is kept as it is."""
    cleaned = text[: limit * 2]
    if not cleaned.isprintable():  # surrogates (paired or lone) or control characters: the careful way
        cleaned = text[: limit * 4].encode("utf-16", "surrogatepass").decode("utf-16", "replace")[: limit * 2]
        cleaned = "".join(c if c.isprintable() else " " for c in cleaned)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule: str
    severity: str
    shadow: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FlagDraft:
    community: str
    platform: str
    space_id: str
    channel_id: str
    message_id: str
    member_id: str
    severity: str
    hits: tuple[RuleHit, ...]
    excerpt: str
    link: str
    created_at: datetime
    source: str = "rules"
    reporter_id: str | None = None
    auto_action: str = "flag"

    @property
    def shadow(self) -> bool:
        return all(hit.shadow for hit in self.hits)


def _commit(db: sqlite_utils.Database) -> None:
    db.conn.commit()


def record_flag(db: sqlite_utils.Database, draft: FlagDraft) -> tuple[int, bool]:
    """Store a flag; an open flag on the same message absorbs the new hits (one flag per message).

    Returns (flag id, created): `created` is False when an existing open flag was updated. The flag and its
    hits are one transaction: a crash leaves both or neither.
    """
    with db.atomic():
        flag_id, values = _record(db, draft)
    return flag_id, values is not None


_OPEN_ON_MESSAGE = ("SELECT id, rules, severity FROM moderation_flags WHERE community = ? AND platform = ?"
                    " AND message_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1")


def _record(db: sqlite_utils.Database, draft: FlagDraft) -> tuple[int, tuple[Any, ...] | None]:
    """`record_flag`'s writes, inside the caller's transaction: one statement per table (the look-up of an open
    flag on the message, the flag, its hits). Gives the flag's id, and the values written when it is a new flag
    (None when an open flag on the message absorbed the hits). Statements go to the connection itself, whose
    cache keeps each one prepared: sqlite-utils' `execute` would commit each write on its own. (The look-up
    inside the insert, `INSERT … SELECT … WHERE NOT EXISTS`, is one statement less but more work: SQLite
    copies the rows of an insert that reads its own table to a temporary table first.)"""
    existing = db.conn.execute(_OPEN_ON_MESSAGE, (draft.community, draft.platform, draft.message_id)).fetchone()
    if existing is not None:
        flag_id, stored_rules, stored_severity = existing
        rules = sorted(set(stored_rules.split(",")) | {hit.rule for hit in draft.hits})
        severity = max(stored_severity, draft.severity, key=_rank)
        db.conn.execute(
            "UPDATE moderation_flags SET rules = ?, severity = ?, shadow = shadow AND ?, excerpt = ?,"
            " source = CASE WHEN ? = 'report' THEN 'report' ELSE source END,"
            " reporter_id = COALESCE(reporter_id, ?) WHERE id = ?",
            [",".join(rules), severity, int(draft.shadow), draft.excerpt, draft.source, draft.reporter_id, flag_id],
        )
        _write_hits(db, flag_id, draft.hits)
        return flag_id, None
    values = _new_values(draft)
    cursor = db.conn.execute(_INSERT_FLAG, values)
    flag_id = int(cursor.lastrowid or 0)
    _write_hits(db, flag_id, draft.hits)
    return flag_id, values


_NEW_COLUMNS = ("community", "platform", "space_id", "channel_id", "message_id", "member_id", "severity", "rules",
                "shadow", "source", "excerpt", "link", "created_at", "status", "auto_action", "reporter_id")
_INSERT_FLAG = (f"INSERT INTO moderation_flags ({', '.join(_NEW_COLUMNS)})"
                f" VALUES ({', '.join('?' for _ in _NEW_COLUMNS)})")
_UNSET_COLUMNS = ("decided_by", "decided_at", "card_channel_id", "card_message_id", "card_redacted_at")


def _new_values(draft: FlagDraft) -> tuple[Any, ...]:
    """A new flag's values, in the order of `_NEW_COLUMNS`: what its INSERT writes and its card is drawn from."""
    return (draft.community, draft.platform, draft.space_id, draft.channel_id, draft.message_id, draft.member_id,
            draft.severity, ",".join(sorted({hit.rule for hit in draft.hits})), int(draft.shadow), draft.source,
            draft.excerpt, draft.link, utc_text(draft.created_at), OPEN, draft.auto_action, draft.reporter_id)


def _write_hits(db: sqlite_utils.Database, flag_id: int, hits: tuple[RuleHit, ...]) -> None:
    """The hits in one statement (a rule hit twice keeps its later hit, as `INSERT OR REPLACE` row by row did)."""
    if hits:
        db.conn.execute(_hits_insert(len(hits)),
                        [value for hit in hits for value in (flag_id, hit.rule, hit.severity, int(hit.shadow),
                                                              hit.detail[:200])])  # fmt: skip


@lru_cache(maxsize=16)
def _hits_insert(count: int) -> str:
    """The statement writing `count` hits (a flag has a few: the connection keeps each form prepared)."""
    rows = ", ".join(["(?, ?, ?, ?, ?)"] * count)
    return f"INSERT OR REPLACE INTO moderation_flag_rules (flag_id, rule, severity, shadow, detail) VALUES {rows}"


def _one(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    row = cursor.fetchone()
    return None if row is None else dict(zip([column[0] for column in cursor.description], row, strict=True))


def _all(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _rank(severity: str) -> int:
    return ("low", "medium", "high", "critical").index(severity) if severity in ("low", "medium", "high",
                                                                                    "critical") else 0  # fmt: skip


@dataclass(frozen=True, slots=True)
class Raised:
    """What one store trip for a new finding gives back: the flag as stored, ready for its card."""

    flag: dict[str, Any]
    rules: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    created: bool


CardRef = tuple[int, str, str]  # (flag id, card channel id, card message id)


def raise_flag(db: sqlite_utils.Database, draft: FlagDraft, cards: tuple[CardRef, ...] = ()) -> Raised:
    """The flag path's only store trip: the card references learnt since the last trip, then the flag (with its
    automatic action), in one transaction, and the stored rows its card is drawn from."""
    [raised] = raise_flags(db, [draft], cards)
    return raised


def raise_flags(db: sqlite_utils.Database, drafts: list[FlagDraft], cards: tuple[CardRef, ...] = ()) -> list[Raised]:
    """Flags raised together (see `flag_writes`): the card references, then each flag in turn, one transaction.

    A new flag's rows are what its draft wrote (`new_rows`), so they are not read back; a flag that absorbed
    the hits of an earlier one on the same message is read back, since the store merged the two. The
    transaction is begun and committed on the connection itself (what `db.atomic` does, without its context
    manager's generator, on every flag)."""
    conn = db.conn
    if conn.in_transaction:  # inside the caller's transaction: its commit is the caller's
        with db.atomic():
            _write_cards(db, cards)
            recorded = [_record(db, draft) for draft in drafts]
    else:
        conn.execute("BEGIN")
        try:
            _write_cards(db, cards)
            recorded = [_record(db, draft) for draft in drafts]
        except BaseException:
            if conn.in_transaction:  # an error may have ended it already
                with suppress(sqlite3.Error):
                    conn.rollback()
            raise
        conn.commit()
    raised = []
    for draft, (flag_id, values) in zip(drafts, recorded, strict=True):
        if values is not None:
            flag, rules = new_rows(draft, flag_id, values)
            raised.append(Raised(flag, rules, [], True))
            continue
        stored = get_flag(db, flag_id)
        assert stored is not None
        raised.append(Raised(stored, flag_rules(db, flag_id), flag_actions(db, flag_id), False))
    return raised


def new_rows(draft: FlagDraft, flag_id: int,
             values: tuple[Any, ...] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The rows a new flag has in the store once `draft` is written under `flag_id` (its flag row and its rule
    hits ordered by rule, as `get_flag` and `flag_rules` read them): its card needs no read of its own."""
    flag = dict(zip(_NEW_COLUMNS, values or _new_values(draft), strict=True))
    flag["id"] = flag_id
    flag.update(dict.fromkeys(_UNSET_COLUMNS))
    by_rule = {hit.rule: hit for hit in draft.hits}  # a rule hit twice is stored once, the later hit replacing
    rules = [{"flag_id": flag_id, "rule": rule, "severity": hit.severity, "shadow": int(hit.shadow),
              "detail": hit.detail[:200]} for rule, hit in sorted(by_rule.items())]
    return flag, rules


def set_cards(db: sqlite_utils.Database, cards: tuple[CardRef, ...]) -> None:
    """Card references kept in memory since the last flag (written with the next one, or here at a stop)."""
    _write_cards(db, cards)
    _commit(db)


_SET_CARD = "UPDATE moderation_flags SET card_channel_id = ?, card_message_id = ? WHERE id = ?"


def _write_cards(db: sqlite_utils.Database, cards: tuple[CardRef, ...]) -> None:
    """The card references, in one statement: most trips carry one (the previous flag's), which a plain
    `execute` writes without the list and the loop of `executemany`."""
    if len(cards) == 1:
        [(flag_id, channel_id, message_id)] = cards
        db.conn.execute(_SET_CARD, (channel_id, message_id, flag_id))
    elif cards:
        db.conn.executemany(_SET_CARD, [(channel_id, message_id, flag_id) for flag_id, channel_id, message_id in cards])


def set_card(db: sqlite_utils.Database, flag_id: int, channel_id: str, message_id: str) -> None:
    db.execute(
        "UPDATE moderation_flags SET card_channel_id = ?, card_message_id = ? WHERE id = ?",
        [channel_id, message_id, flag_id],
    )
    _commit(db)


def reopen(db: sqlite_utils.Database, flag_id: int) -> None:
    """Undo a decision whose action the platform refused: the flag is open again, decided by nobody."""
    db.execute(
        "UPDATE moderation_flags SET status = 'open', decided_by = NULL, decided_at = NULL WHERE id = ?", [flag_id]
    )
    db.conn.commit()


def get_flag(db: sqlite_utils.Database, flag_id: int) -> dict[str, Any] | None:
    """The flag's row as a dict (a plain SELECT: `Table.get` reads the schema again at every call, and this runs
    once per flag)."""
    return _one(db.conn.execute("SELECT * FROM moderation_flags WHERE id = ?", [flag_id]))


def flag_rules(db: sqlite_utils.Database, flag_id: int) -> list[dict[str, Any]]:
    return _all(db.conn.execute("SELECT * FROM moderation_flag_rules WHERE flag_id = ? ORDER BY rule", [flag_id]))


def decide(db: sqlite_utils.Database, flag_id: int, status: str, by: str, at: datetime) -> bool:
    """Record a moderator's decision; False when the flag was already decided (or does not exist)."""
    if status not in DECISIONS:
        raise ValueError(f"unknown decision {status!r}")
    try:
        cursor = db.execute(
            "UPDATE moderation_flags SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = ?",
            [status, by, utc_text(at), flag_id, OPEN],
        )
    except sqlite3.Error:
        db.conn.rollback()
        raise
    _commit(db)
    return cursor.rowcount == 1


def record_action(db: sqlite_utils.Database, flag: dict[str, Any], action: str, by: str, at: datetime) -> bool:
    """Claim one action on a flag (each action once, whoever clicks first); False when it was already done."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO moderation_flag_actions (flag_id, community, platform, action, by, at) "
        "VALUES (?, ?, ?, ?, ?, ?)", [flag["id"], flag["community"], flag["platform"], action, by, utc_text(at)],
    )
    _commit(db)
    return cursor.rowcount == 1


def undo_action(db: sqlite_utils.Database, flag_id: int, action: str) -> None:
    """Forget an action the platform refused, so the button comes back."""
    db.execute("DELETE FROM moderation_flag_actions WHERE flag_id = ? AND action = ?", [flag_id, action])
    _commit(db)


def flag_actions(db: sqlite_utils.Database, flag_id: int) -> list[dict[str, Any]]:
    return _all(db.conn.execute("SELECT * FROM moderation_flag_actions WHERE flag_id = ? ORDER BY at, rowid",
                                [flag_id]))


def purge_excerpts(db: sqlite_utils.Database, community: str, before: datetime) -> int:
    """Clear the excerpts of flags older than `before` (the retention period); the decision stays for stats."""
    cursor = db.execute(
        "UPDATE moderation_flags SET excerpt = NULL WHERE community = ? AND created_at < ? AND excerpt IS NOT NULL",
        [community, utc_text(before)],
    )
    _commit(db)
    return cursor.rowcount


def cards_to_redact(db: sqlite_utils.Database, community: str, before: datetime, limit: int) -> list[int]:
    """Flags older than `before` whose excerpt is erased while their card, posted with it, still shows it: the
    oldest first, at most `limit`."""
    rows = db.execute(
        "SELECT id FROM moderation_flags WHERE community = ? AND created_at < ? AND excerpt IS NULL"
        " AND card_message_id IS NOT NULL AND card_redacted_at IS NULL ORDER BY id LIMIT ?",
        [community, utc_text(before), limit]).fetchall()
    return [int(row[0]) for row in rows]


def mark_card_redacted(db: sqlite_utils.Database, flag_id: int, at: datetime) -> None:
    db.execute("UPDATE moderation_flags SET card_redacted_at = ? WHERE id = ?", [utc_text(at), flag_id])
    _commit(db)


def decided_examples(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    """(excerpt, 1 if acted on else 0) for decided flags that still have their excerpt: training data."""
    rows = db.query("SELECT excerpt, status FROM moderation_flags WHERE excerpt IS NOT NULL AND status != ?", [OPEN])
    return [(row["excerpt"], int(row["status"] in ACTED)) for row in rows]


# -- read by the weekly report (the table's other readers go through these) -------------------------------------
TABLE = "moderation_flags"
PASSIVE_AUTO = ("", "flag")  # automatic actions that only raise the flag


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


def _on(platform: str | None) -> tuple[str, list[str]]:
    return ("", []) if platform is None else (" AND platform = ?", [platform])


def raised_between(db: sqlite_utils.Database, community: str, start: datetime, end: datetime,
                   platform: str | None = None) -> tuple[int, int]:
    """Flags raised in [start, end): how many, and how many of them the rules acted on by themselves."""
    where, params = _on(platform)
    raised, automatic = db.execute(
        f"SELECT count(*), coalesce(sum(coalesce(auto_action, '') NOT IN ({_marks(PASSIVE_AUTO)})), 0) FROM {TABLE}"
        f" WHERE community = ? AND created_at >= ? AND created_at < ?{where}",
        [*PASSIVE_AUTO, community, utc_text(start), utc_text(end), *params],
    ).fetchone()
    return int(raised), int(automatic)


def decided_between(db: sqlite_utils.Database, community: str, start: datetime, end: datetime,
                    platform: str | None = None) -> list[tuple[datetime | None, datetime | None, bool]]:
    """Flags decided in [start, end): when each was raised, when decided, and whether the decision acted."""
    where, params = _on(platform)
    rows = db.execute(
        f"SELECT created_at, decided_at, status IN ({_marks(ACTED)}) FROM {TABLE}"
        f" WHERE community = ? AND decided_at >= ? AND decided_at < ?{where}",
        [*ACTED, community, utc_text(start), utc_text(end), *params],
    ).fetchall()
    return [(datetime.fromisoformat(made) if made else None, datetime.fromisoformat(done) if done else None,
             bool(acted)) for made, done, acted in rows]


def sanctioned_between(db: sqlite_utils.Database, community: str, start: datetime,
                       end: datetime) -> set[tuple[str, str]]:
    """(platform, member id) of the members with a flag raised or decided in [start, end) that a moderator upheld
    or the rules acted on."""
    begin, stop = utc_text(start), utc_text(end)
    rows = db.execute(
        f"SELECT platform, member_id FROM {TABLE} WHERE community = ? AND member_id IS NOT NULL"
        " AND ((created_at >= ? AND created_at < ?) OR (decided_at >= ? AND decided_at < ?))"
        f" AND (status IN ({_marks(ACTED)}) OR coalesce(auto_action, '') NOT IN ({_marks(PASSIVE_AUTO)}))",
        [community, begin, stop, begin, stop, *ACTED, *PASSIVE_AUTO],
    ).fetchall()
    return {(p, m) for p, m in rows}
