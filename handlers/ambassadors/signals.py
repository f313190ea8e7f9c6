"""The helpfulness signals of each account, as the ambassadors feature reads them from their owners.

Replies, first responses and active weeks come from the engagement log (`handlers/engagement/helpfulness.py`);
feedback given comes from the feedback inbox (`handlers/feedback/inbox.py`), which gathers `/feedback`, the
feedback channels and the CMs' 📝 marks in one place. Without the inbox's table (the feature not installed),
the log's own count of feedback-channel messages and marks stands in.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from config.settings import Community
from handlers.engagement.helpfulness import Account, Signals, feedback_channels, signals
from handlers.feedback import inbox
from handlers.feedback.migrations import ITEMS


def member_signals(db: sqlite_utils.Database, community: Community, week_starts: Sequence[int],
                   end: int) -> dict[Account, Signals]:
    found = signals(db, community.id, week_starts, end, feedback_channels(community))
    if db[ITEMS].exists():
        given = inbox.given_by(db, community.id, week_starts[0], end)
        for account, each in found.items():
            each.feedback = given.get(account, 0)
    return found
