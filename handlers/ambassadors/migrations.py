"""The ambassadors tables, one function per schema change.

- `ambassador_candidates`: each member proposed to the CMs, with the figures that chose them (counts only, never
  a message) and what became of the proposal (proposed, accepted, declined, expired).
- `ambassador_cards`: where each candidate's card was posted, so a decision edits every copy of it.
- `ambassadors`: one row per account of an appointed ambassador (a person with a Discord and a Slack account has
  two), with when and by whom, whether the platform gave the role, and when they were removed.
- `ambassador_rounds`: the ledger of weekly cards (one per community and week); `ambassador_thanks`: the ledger of
  monthly thank-you drafts (one per community and month). Both make the clock work happen exactly once.
- `ambassador_role_revocations`: roles still to take back on a platform, until it has done it.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("ambassadors")

CANDIDATES = "ambassador_candidates"
CARDS = "ambassador_cards"
AMBASSADORS = "ambassadors"
ROUNDS = "ambassador_rounds"
THANKS = "ambassador_thanks"
REVOCATIONS = "ambassador_role_revocations"


@migrations()
def m001_tables(db: sqlite_utils.Database) -> None:
    db.execute(
        f"""CREATE TABLE {CANDIDATES} (
            id INTEGER PRIMARY KEY,
            community TEXT NOT NULL,
            week TEXT NOT NULL,
            platform TEXT NOT NULL,
            member_id TEXT NOT NULL,
            score INTEGER NOT NULL,
            first_responses INTEGER NOT NULL,
            helpful_replies INTEGER NOT NULL,
            feedback INTEGER NOT NULL,
            active_weeks INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'proposed',
            proposed_at TEXT NOT NULL,
            decided_at TEXT,
            decided_by TEXT,
            decided_platform TEXT
        )"""
    )
    db.execute(f"CREATE INDEX idx_{CANDIDATES}_member ON {CANDIDATES} (community, platform, member_id)")
    db.execute(f"CREATE INDEX idx_{CANDIDATES}_status ON {CANDIDATES} (community, status)")
    db.execute(
        f"""CREATE TABLE {CARDS} (
            candidate_id INTEGER NOT NULL REFERENCES {CANDIDATES}(id) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            PRIMARY KEY (candidate_id, platform)
        )"""
    )
    db.table(AMBASSADORS).create(
        {"community": str, "platform": str, "member_id": str, "since": str, "appointed_by": str,
         "appointed_platform": str, "granted": int, "removed_at": str, "removed_by": str, "removed_platform": str},
        pk=("community", "platform", "member_id"),
        not_null={"since"},
        defaults={"granted": 0},
    )
    db.table(ROUNDS).create({"community": str, "week": str, "status": str, "started_at": str},
                            pk=("community", "week"))
    db.table(THANKS).create({"community": str, "month": str, "post_id": int, "drafted_at": str},
                            pk=("community", "month"))


@migrations()
def m002_role_revocations(db: sqlite_utils.Database) -> None:
    """Ambassador roles still to take back (`handlers/ambassadors/revocations.py`): written with the removal or
    the forget-me, deleted once the platform has done it. Platform ids, the role, and the back-off only."""
    db.table(REVOCATIONS).create(
        {"id": int, "community": str, "platform": str, "member_id": str, "role_id": str, "queued_at": str,
         "attempts": int, "next_try": str, "last_error": str},
        pk="id",
        not_null={"community", "platform", "member_id", "role_id", "queued_at", "next_try"},
        defaults={"attempts": 0},
    )
    db.table(REVOCATIONS).create_index(["community", "platform", "member_id", "role_id"], unique=True)
    db.table(REVOCATIONS).create_index(["next_try"])
