"""The polls' tables, one function per schema change.

`polls` holds each poll (question, answers, choice, duration, status and its times); `poll_messages` where it
was published, one row per platform message, with the final counts once it closed (anonymous, kept);
`poll_votes` each member's vote while it is needed (one row per chosen answer); `poll_results` the ledger of
results posts, keyed by an idempotency key so each is sent once across crashes. Times are UTC ISO strings of
one fixed width, so comparing the strings compares the instants.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("polls")
POLLS, MESSAGES, VOTES, RESULTS = "polls", "poll_messages", "poll_votes", "poll_results"


@migrations()
def m001_polls(db: sqlite_utils.Database) -> None:
    db.table(POLLS).create(
        {
            "id": int,
            "community": str,
            "question": str,
            "answers": str,  # JSON list of the answers, in order
            "multiple": int,
            "duration_seconds": int,
            "status": str,  # waiting (for its calendar post) | open | closed | withdrawn (its post will not go out)
            "author_platform": str,
            "author_id": str,
            "campaign": str,
            "calendar_post_id": int,
            "created_at": str,
            "opened_at": str,
            "ends_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"community", "question", "answers", "status", "duration_seconds"},
        defaults={"multiple": 0},
    )
    db.table(POLLS).create_index(["status", "ends_at"])
    db.table(POLLS).create_index(["community", "closed_at"])


@migrations()
def m002_messages(db: sqlite_utils.Database) -> None:
    db.table(MESSAGES).create(
        {
            "poll_id": int,
            "community": str,
            "platform": str,
            "channel_id": str,
            "message_id": str,
            "posted_at": str,
            "final_counts": str,  # JSON list, one count per answer, written when the poll closes
            "final_voters": int,
        },
        pk=("platform", "channel_id", "message_id"),
        foreign_keys=[("poll_id", POLLS, "id")],
    )
    db.table(MESSAGES).create_index(["poll_id"])


@migrations()
def m003_votes(db: sqlite_utils.Database) -> None:
    db.table(VOTES).create(
        {
            "poll_id": int,
            "community": str,
            "platform": str,
            "channel_id": str,
            "message_id": str,
            "member_id": str,
            "answer": int,  # 0 for the first answer
            "voted_at": str,
        },
        pk=("poll_id", "platform", "message_id", "member_id", "answer"),
        foreign_keys=[("poll_id", POLLS, "id")],
    )
    db.table(VOTES).create_index(["community", "platform", "member_id"])


@migrations()
def m004_results(db: sqlite_utils.Database) -> None:
    db.table(RESULTS).create(
        {
            "id": int,
            "poll_id": int,
            "community": str,
            "platform": str,
            "channel_id": str,
            "idempotency_key": str,
            "status": str,  # sending | posted | failed | uncertain
            "message_id": str,
            "error": str,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"poll_id", "platform", "channel_id", "idempotency_key", "status"},
        foreign_keys=[("poll_id", POLLS, "id")],
    )
    db.table(RESULTS).create_index(["idempotency_key"], unique=True)


@migrations()
def m005_withdrawn(db: sqlite_utils.Database) -> None:
    """Why a poll's calendar post will not go out (cancelled, rejected, expired, failed), and since when."""
    db.table(POLLS).add_column("withdrawn_reason", str)
    db.table(POLLS).add_column("withdrawn_at", str)


@migrations()
def m006_ended_natively(db: sqlite_utils.Database) -> None:
    """Whether the platform ended a message's native poll itself and showed its final result (Discord posts its own
    results message then), so cmbot does not post the same figures again."""
    db.table(MESSAGES).add_column("ended_natively", int, not_null_default=0)
