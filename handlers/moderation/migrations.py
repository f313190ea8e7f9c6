"""Moderation tables: one function per schema change."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

moderation = Migrations("moderation")


@moderation()
def m001_flags(db: sqlite_utils.Database) -> None:
    """One row per flagged message (or member report): what hit, the card in the queue, who decided and when.

    `excerpt` is the only message content kept, for moderators, and is cleared after the retention period;
    `reporter_id` is never shown outside the moderation queue.
    """
    db.table("moderation_flags").create(
        {
            "id": int,
            "community": str,
            "platform": str,
            "space_id": str,
            "channel_id": str,
            "message_id": str,
            "member_id": str,
            "severity": str,
            "rules": str,
            "shadow": int,
            "source": str,
            "excerpt": str,
            "link": str,
            "created_at": str,
            "status": str,
            "auto_action": str,
            "decided_by": str,
            "decided_at": str,
            "card_channel_id": str,
            "card_message_id": str,
            "reporter_id": str,
        },
        pk="id",
        not_null={"community", "platform", "created_at", "status"},
        defaults={"status": "open", "shadow": 0, "source": "rules"},
    )
    db.table("moderation_flags").create_index(["community", "platform", "message_id"])
    db.table("moderation_flags").create_index(["created_at"])


@moderation()
def m002_flag_rules(db: sqlite_utils.Database) -> None:
    """Each rule that hit a flag, with its severity and whether it ran in shadow mode: the basis of `stats`."""
    db.table("moderation_flag_rules").create(
        {"flag_id": int, "rule": str, "severity": str, "shadow": int, "detail": str},
        pk=("flag_id", "rule"),
        foreign_keys=[("flag_id", "moderation_flags", "id")],
    )
    db.table("moderation_flag_rules").create_index(["rule"])


@moderation()
def m003_flag_actions(db: sqlite_utils.Database) -> None:
    """Each action a moderator took on a flag (delete, warn, timeout: several may apply), by whom and when.

    The flag's `status` keeps the first decision (time to decision, stats); this table says everything done since,
    so the card can show it and keep only the buttons that still make sense.
    """
    db.table("moderation_flag_actions").create(
        {"flag_id": int, "community": str, "platform": str, "action": str, "by": str, "at": str},
        pk=("flag_id", "action"),
        foreign_keys=[("flag_id", "moderation_flags", "id")],
    )


@moderation()
def m004_seen_domains(db: sqlite_utils.Database) -> None:
    """The domains linked in each community, with the first and last day seen: the spam rule's memory of what
    is "never seen", kept across restarts. No member and no message: only the domain and two days."""
    db.table("moderation_seen_domains").create(
        {"community": str, "domain": str, "first_seen": str, "last_seen": str},
        pk=("community", "domain"),
        not_null={"first_seen", "last_seen"},
    )
    db.table("moderation_seen_domains").create_index(["community", "last_seen"])


@moderation()
def m005_observation_digests(db: sqlite_utils.Database) -> None:
    """The digests of observations (flags of rules in shadow mode), one row per community, platform and period:
    written `pending` before the post and marked `posted` (or `empty`) after it, so a period is summed once and a
    failed post is sent again. Counts and a message reference only: the examples are read from the flags."""
    db.table("moderation_observation_digests").create(
        {"community": str, "platform": str, "period_start": str, "period_end": str, "status": str, "sent_at": str,
         "channel_id": str, "message_id": str},
        pk=("community", "platform", "period_end"),
        not_null={"period_start", "status"},
    )


@moderation()
def m006_observation_digest_attempts(db: sqlite_utils.Database) -> None:
    """When a digest's post was last attempted: the period is `sending` from just before the platform call until
    it is marked `posted`, so a crash in between is settled at the next start by looking the post up by its key
    instead of posting it a second time."""
    db.table("moderation_observation_digests").add_column("attempted_at", str)


@moderation()
def m007_redactions(db: sqlite_utils.Database) -> None:
    """When a flag's card, and a digest, were redrawn without the excerpts the retention period erased: the words
    must not outlive the store's copy on the platform, and each message is redrawn once, across restarts."""
    db.table("moderation_flags").add_column("card_redacted_at", str)
    db.table("moderation_observation_digests").add_column("redacted_at", str)


@moderation()
def m008_flag_rules_by_flag(db: sqlite_utils.Database) -> None:
    """A flag's rule hits kept in one B-tree ordered by (flag, rule), with no separate index on the rule: every
    flag writes its hits, and each B-tree it touches is one more page in its commit. The table had a rowid
    B-tree beside its primary key and an index on `rule` that no query used (the statistics read the hits
    through their flags, the cards and digests by flag): three pages per flag become one."""
    db.execute(
        "CREATE TABLE [moderation_flag_rules_by_flag] ([flag_id] INTEGER REFERENCES [moderation_flags]([id]),"
        " [rule] TEXT, [severity] TEXT, [shadow] INTEGER, [detail] TEXT, PRIMARY KEY ([flag_id], [rule]))"
        " WITHOUT ROWID"
    )
    db.execute("INSERT INTO [moderation_flag_rules_by_flag] (flag_id, rule, severity, shadow, detail)"
               " SELECT flag_id, rule, severity, shadow, detail FROM [moderation_flag_rules]")
    db.execute("DROP TABLE [moderation_flag_rules]")
    db.execute("ALTER TABLE [moderation_flag_rules_by_flag] RENAME TO [moderation_flag_rules]")
