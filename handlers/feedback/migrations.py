"""The feedback inbox's tables, one function per schema change.

`feedback_items` holds one row per feedback: who sent it (or whose message was marked), its kind, where it came
from, its dates (epoch seconds) and its card. Only `/feedback` keeps words (`text`), and the team's last answer
(`answer`); both are erased after `feedback.text_days`. A message marked as feedback or posted in a feedback
channel is not copied: the row keeps its channel, its id and a link to it. `feedback_history` says who
acknowledged, answered or closed it, and when.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

ITEMS = "feedback_items"
HISTORY = "feedback_history"
ERASED_CARDS = "feedback_erased_cards"
migrations = Migrations("feedback")


@migrations()
def m001_items(db: sqlite_utils.Database) -> None:
    db.table(ITEMS).create(
        {
            "id": int,
            "community": str,
            "platform": str,
            "space_id": str,
            "member_id": str,  # the author; NULL when the platform did not say who wrote a marked message
            "member_name": str,
            "source": str,  # command, channel, mark
            "kind": str,  # idea, bug, praise, complaint, unsorted
            "text": str,  # `/feedback` only; NULL once erased
            "channel_id": str,  # where it was sent from (the answer's fallback), or the marked message's channel
            "message_id": str,  # the marked message (channel, mark)
            "link": str,
            "created_at": int,
            "status": str,  # open, acknowledged, done
            "acknowledged_at": int,  # the team's first response of any kind (acknowledge, answer, close)
            "answered_at": int,
            "closed_at": int,
            "answer": str,
            "text_erased_at": int,
            "card_channel_id": str,
            "card_message_id": str,
        },
        pk="id",
        not_null={"community", "platform", "source", "kind", "created_at", "status"},
        defaults={"status": "open"},
    )
    db.table(ITEMS).create_index(["community", "created_at"])
    # A message is one feedback however often it is marked, and whether it was also posted in a feedback channel.
    db.table(ITEMS).create_index(["community", "platform", "channel_id", "message_id"], unique=True)


@migrations()
def m002_history(db: sqlite_utils.Database) -> None:
    db.table(HISTORY).create(
        {"feedback_id": int, "community": str, "platform": str, "action": str, "by": str, "by_name": str,
         "at": int},
        not_null={"feedback_id", "community", "platform", "action", "at"},
        foreign_keys=[("feedback_id", ITEMS, "id")],
    )
    db.table(HISTORY).create_index(["feedback_id"])


@migrations()
def m003_erased_cards(db: sqlite_utils.Database) -> None:
    """The cards of feedback erased (forget-me, `keep_days`), to be cleared in the CMs' channel: a card still
    showing the member's words would outlive their erasure. Filled by a trigger, whichever code deletes the row,
    and emptied once each card is redrawn; it holds only the bot's own message ids, never a member's."""
    db.table(ERASED_CARDS).create(
        {"feedback_id": int, "community": str, "platform": str, "channel_id": str, "message_id": str},
        not_null={"feedback_id", "community", "platform", "channel_id", "message_id"},
    )
    db.execute(
        f"CREATE TRIGGER feedback_card_to_clear AFTER DELETE ON {ITEMS}"
        " WHEN old.card_channel_id IS NOT NULL AND old.card_message_id IS NOT NULL BEGIN"
        f" INSERT INTO {ERASED_CARDS} (feedback_id, community, platform, channel_id, message_id)"
        " VALUES (old.id, old.community, old.platform, old.card_channel_id, old.card_message_id); END"
    )
