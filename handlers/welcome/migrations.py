"""The welcome feature's tables: who was welcomed for which join, and who is still to post after joining.

No message content is ever stored: a welcome is a member id and two dates, a follow-up row only dates.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("welcome")


@migrations()
def m001_welcomes(db: sqlite_utils.Database) -> None:
    """One row per welcomed join: the store-side guard that a restart plus a replay never welcomes twice."""
    db.table("welcome_welcomes").create(
        {"community": str, "platform": str, "member_id": str, "joined_at": str, "welcomed_at": str},
        pk=("community", "platform", "member_id", "joined_at"),
    )


@migrations()
def m002_followups(db: sqlite_utils.Database) -> None:
    """Members waiting for their first post, and whether they were nudged (once per member, ever)."""
    db.table("welcome_followups").create(
        {
            "community": str,
            "platform": str,
            "member_id": str,
            "joined_at": str,
            "due_at": str,
            "first_post_at": str,
            "nudged_at": str,
        },
        pk=("community", "platform", "member_id"),
    )
    db.table("welcome_followups").create_index(["due_at"])
