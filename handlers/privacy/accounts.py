"""Accounts of one person: a Discord id and a Slack id can be linked so that their rights reach both.

Without a link, forget-me and export reach only the account that asks. A link is made by an admin (CLI) or by
the member themself with a one-time code: `/privacy link` on one platform gives a code, `/privacy link code=…`
on the other redeems it, which proves the same person holds both accounts; otherwise anyone could claim
someone else's account and erase or read their data. Codes are stored hashed and expire.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
CODE_LENGTH = 8


@dataclass(frozen=True, slots=True, order=True)
class Account:
    platform: str
    member_id: str

    @classmethod
    def parse(cls, value: str) -> Account:
        """`discord:123` / `slack:U123` / `console:alice`."""
        platform, sep, member_id = value.partition(":")
        if not sep or not member_id or platform not in {"discord", "slack", "console"}:
            raise ValueError(f"expected PLATFORM:MEMBER_ID (discord, slack or console), not {value!r}")
        return cls(platform, member_id)

    def __str__(self) -> str:
        return f"{self.platform}:{self.member_id}"


def accounts_of(db: sqlite_utils.Database, community: str, account: Account) -> list[Account]:
    """The account and every account linked to it, sorted."""
    row = db.execute(
        "SELECT person FROM privacy_links WHERE community = ? AND platform = ? AND member_id = ?",
        [community, account.platform, account.member_id],
    ).fetchone()
    if row is None:
        return [account]
    rows = db.execute(
        "SELECT platform, member_id FROM privacy_links WHERE community = ? AND person = ?", [community, row[0]]
    ).fetchall()
    return sorted({account, *(Account(r[0], r[1]) for r in rows)})


def link(db: sqlite_utils.Database, community: str, first: Account, second: Account, now: datetime) -> list[Account]:
    """Link two accounts (merging whatever each was linked to); returns the whole set."""
    if first == second:
        raise ValueError("an account cannot be linked to itself")
    with db.atomic():
        people = [_person(db, community, a) for a in (first, second)]
        person = people[0] or people[1] or uuid.uuid4().hex
        for other in people:
            if other and other != person:
                db.execute(
                    "UPDATE privacy_links SET person = ? WHERE community = ? AND person = ?", [person, community, other]
                )
        for account in (first, second):
            db.execute(
                "INSERT INTO privacy_links (community, platform, member_id, person, linked_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (community, platform, member_id) DO UPDATE SET person = excluded.person",
                [community, account.platform, account.member_id, person, now.isoformat()],
            )
    return accounts_of(db, community, first)


def unlink(db: sqlite_utils.Database, community: str, account: Account) -> int:
    with db.atomic():
        return db.execute(
            "DELETE FROM privacy_links WHERE community = ? AND platform = ? AND member_id = ?",
            [community, account.platform, account.member_id],
        ).rowcount


def _person(db: sqlite_utils.Database, community: str, account: Account) -> str | None:
    row = db.execute(
        "SELECT person FROM privacy_links WHERE community = ? AND platform = ? AND member_id = ?",
        [community, account.platform, account.member_id],
    ).fetchone()
    return row[0] if row else None


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def issue_code(db: sqlite_utils.Database, community: str, account: Account, now: datetime, ttl: timedelta) -> str:
    """A fresh one-time code for `account` (its previous unused code stops working)."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with db.atomic():
        db.execute(
            "DELETE FROM privacy_link_codes WHERE (community = ? AND platform = ? AND member_id = ?) OR expires_at < ?",
            [community, account.platform, account.member_id, now.isoformat()],
        )
        db.execute(
            "INSERT INTO privacy_link_codes (code_hash, community, platform, member_id, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [_hash(code), community, account.platform, account.member_id, (now + ttl).isoformat()],
        )
    return code


def redeem_code(db: sqlite_utils.Database, community: str, code: str, by: Account, now: datetime) -> list[Account]:
    """Link `by` to the account that issued `code`. Raises LookupError for an unknown, expired or own code."""
    with db.atomic():
        row = db.execute(
            "SELECT platform, member_id, expires_at FROM privacy_link_codes WHERE code_hash = ? AND community = ?",
            [_hash(code), community],
        ).fetchone()
        if row is None or row[2] < now.isoformat() or Account(row[0], row[1]) == by:
            raise LookupError(code)
        db.execute("DELETE FROM privacy_link_codes WHERE code_hash = ?", [_hash(code)])
    return link(db, community, Account(row[0], row[1]), by, now)
