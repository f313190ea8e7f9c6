"""The privacy feature's tables: accounts a member linked across platforms, and pending link codes."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("privacy")


@migrations()
def m001_links(db: sqlite_utils.Database) -> None:
    """Accounts of one person in a community: rows sharing a `person` are erased and exported together."""
    db.table("privacy_links").create(
        {"community": str, "platform": str, "member_id": str, "person": str, "linked_at": str},
        pk=("community", "platform", "member_id"),
    )
    db.table("privacy_links").create_index(["community", "person"])


@migrations()
def m002_link_codes(db: sqlite_utils.Database) -> None:
    """One-time codes proving that whoever asks for a link holds both accounts (only a hash is kept)."""
    db.table("privacy_link_codes").create(
        {"code_hash": str, "community": str, "platform": str, "member_id": str, "expires_at": str},
        pk="code_hash",
    )


@migrations()
def m003_kept_sanctions(db: sqlite_utils.Database) -> None:
    """Sanctions of forgotten members, kept (stripped) for the safety of the community until `keep_until`.
    Only the flag's id: the flag itself holds the member's platform id, and nothing else of them."""
    db.table("privacy_kept_sanctions").create({"flag_id": int, "community": str, "keep_until": str}, pk="flag_id")
    db.table("privacy_kept_sanctions").create_index(["keep_until"])
