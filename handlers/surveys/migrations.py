"""The survey tables, one function per schema change.

- `surveys`: one row per survey (NPS or CSAT), its question, where it is asked (a channel, or members' DMs on
  one platform), its status (scheduled, open, closed) and its times as UTC epoch seconds.
- `survey_recipients`: who was (or is about to be) sent a DM survey. It is both the send queue, drained at the
  configured rate, and the memory that keeps a member from being asked twice within `repeat_days`, across
  restarts.
- `survey_answers`: one row per member and survey (a later click changes the score until the survey closes),
  with the optional comment, erased earlier than the score (`comment_days`).
- `survey_optouts`: members who asked never to be sent a survey.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("surveys")

SURVEYS = "surveys"
RECIPIENTS = "survey_recipients"
ANSWERS = "survey_answers"
OPTOUTS = "survey_optouts"


@migrations()
def m001_surveys(db: sqlite_utils.Database) -> None:
    db.execute(
        f"""CREATE TABLE {SURVEYS} (
            id INTEGER PRIMARY KEY,
            community TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('nps', 'csat')),
            question TEXT NOT NULL,
            delivery TEXT NOT NULL CHECK (delivery IN ('channel', 'dm')),
            platform TEXT NOT NULL,
            channel_id TEXT,
            message_id TEXT,
            status TEXT NOT NULL CHECK (status IN ('scheduled', 'open', 'closed')),
            starts_at INTEGER NOT NULL,
            closes_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )"""
    )
    db.execute(f"CREATE INDEX idx_{SURVEYS}_status ON {SURVEYS} (community, status)")
    db.execute(
        f"""CREATE TABLE {RECIPIENTS} (
            survey_id INTEGER NOT NULL REFERENCES {SURVEYS}(id) ON DELETE CASCADE,
            community TEXT NOT NULL,
            platform TEXT NOT NULL,
            member_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
            queued_at INTEGER NOT NULL,
            sent_at INTEGER,
            channel_id TEXT,
            message_id TEXT,
            PRIMARY KEY (survey_id, platform, member_id)
        )"""
    )
    db.execute(f"CREATE INDEX idx_{RECIPIENTS}_member ON {RECIPIENTS} (community, platform, member_id, queued_at)")
    db.execute(f"CREATE INDEX idx_{RECIPIENTS}_pending ON {RECIPIENTS} (status) WHERE status = 'pending'")
    db.execute(
        f"""CREATE TABLE {ANSWERS} (
            survey_id INTEGER NOT NULL REFERENCES {SURVEYS}(id) ON DELETE CASCADE,
            community TEXT NOT NULL,
            platform TEXT NOT NULL,
            member_id TEXT NOT NULL,
            score INTEGER NOT NULL,
            answered_at INTEGER NOT NULL,
            comment TEXT,
            commented_at INTEGER,
            PRIMARY KEY (survey_id, platform, member_id)
        )"""
    )
    db.execute(f"CREATE INDEX idx_{ANSWERS}_week ON {ANSWERS} (community, answered_at)")
    db.table(OPTOUTS).create(
        {"community": str, "platform": str, "member_id": str, "at": int},
        pk=("community", "platform", "member_id"),
    )


@migrations()
def m002_closed_edits(db: sqlite_utils.Database) -> None:
    """When each DM (or its fallback post) was edited to say its survey closed, so each is edited once, at the
    DM rate, across restarts."""
    db.table(RECIPIENTS).add_column("closed_edit_at", int)


@migrations()
def m003_repeat(db: sqlite_utils.Database) -> None:
    """How often a survey comes back (`month`, `quarter`; NULL: once), and when its series first started (each
    next start is counted from there, so a survey of the 31st keeps coming back on the 31st after a February).
    The next one is written, scheduled, in the transaction that opens this one: a restart neither skips nor
    doubles it."""
    db.table(SURVEYS).add_column("every", str)
    db.table(SURVEYS).add_column("series_start", int)
