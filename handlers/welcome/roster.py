"""The members the bot knows of, kept current on joins and leaves, and the ledger of welcomed joins.

These functions run on the store's thread (`Store.run`). Recording a join and claiming its welcome happen in
one transaction, so a replayed join after a restart finds its claim and is not welcomed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils


@dataclass(frozen=True, slots=True)
class JoinRecord:
    community: str
    platform: str
    member_id: str
    display_name: str
    joined_at: datetime
    followup_after: timedelta | None = None  # None: no follow-up for this join


@dataclass(frozen=True, slots=True)
class JoinOutcome:
    first: bool  # False: this join was already welcomed (a replay)
    member_count: int
    awaiting_first_post: bool


def record_join(db: sqlite_utils.Database, join: JoinRecord, now: datetime) -> JoinOutcome:
    """Upsert the member as present, claim the welcome for this join, and open a follow-up if asked."""
    key = [join.community, join.platform, join.member_id]
    joined = join.joined_at.isoformat()
    with db.atomic():
        db.execute(
            "INSERT INTO members (community, platform, member_id, display_name, joined_at, left_at) "
            "VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (community, platform, member_id) DO UPDATE SET "
            "display_name = excluded.display_name, joined_at = excluded.joined_at, left_at = NULL",
            [*key, join.display_name, joined],
        )
        claimed = db.execute(
            "INSERT OR IGNORE INTO welcome_welcomes (community, platform, member_id, joined_at, welcomed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [*key, joined, now.isoformat()],
        ).rowcount
        awaiting = False
        if claimed and join.followup_after is not None:
            awaiting = bool(
                db.execute(
                    "INSERT OR IGNORE INTO welcome_followups (community, platform, member_id, joined_at, due_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [*key, joined, (join.joined_at + join.followup_after).isoformat()],
                ).rowcount
            )
        count = present_count(db, join.community, join.platform)
    return JoinOutcome(first=bool(claimed), member_count=count, awaiting_first_post=awaiting)


def record_leave(db: sqlite_utils.Database, community: str, platform: str, member_id: str, name: str, at: datetime):
    with db.atomic():
        db.execute(
            "INSERT INTO members (community, platform, member_id, display_name, left_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (community, platform, member_id) DO UPDATE SET left_at = excluded.left_at",
            [community, platform, member_id, name, at.isoformat()],
        )


def present_count(db: sqlite_utils.Database, community: str, platform: str) -> int:
    """Members the bot has seen join and not leave (on a new deployment, fewer than the platform's own count)."""
    row = db.execute(
        "SELECT count(*) FROM members WHERE community = ? AND platform = ? "
        "AND left_at IS NULL AND joined_at IS NOT NULL",
        [community, platform],
    ).fetchone()
    return int(row[0])
