"""What the wire tests of ambassadors share: a history in which one member answered others first for three weeks,
written as the engagement log writes it, so the start-up catch-up proposes them on Monday 30 November 2026."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # Monday 10:30 in Paris: the round of week 48 is due
WEEK = 7 * 86_400
LAST_WEEK = int(datetime(2026, 11, 24, 10, 0, tzinfo=UTC).timestamp())  # Tuesday of week 48


def seed_helper(db: sqlite_utils.Database, community: str, platform: str, helper: str, asker: str, help_channel: str,
                name: str) -> None:
    """`helper` answers `asker`'s question first in weeks 46, 47 and 48; the asker reacts to each answer."""
    rows = []
    for week in range(3):
        at = LAST_WEEK - week * WEEK
        question, answer = f"q{week}{platform}", f"a{week}{platform}"
        rows += [
            (community, platform, help_channel, asker, "message", at, question, None, 1),
            (community, platform, help_channel, helper, "reply", at + 60, answer, question, 1),
            (community, platform, help_channel, asker, "reaction", at + 120, None, answer, 0),
        ]
    with db.conn:
        db.conn.executemany(
            "INSERT INTO engagement_events (community, platform, channel_id, member_id, kind, at, message_id,"
            " target_id, help) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO members (community, platform, member_id, display_name, opted_out)"
                   " VALUES (?, ?, ?, ?, 0)", [community, platform, helper, name])
