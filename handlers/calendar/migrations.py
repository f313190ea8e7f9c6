"""The calendar's tables, one function per schema change.

`calendar_posts` is the truth about every post (its lifecycle status, its content and when it is next due);
`calendar_targets` lists where it goes; `calendar_deliveries` is the ledger of each occurrence on each target,
keyed by an idempotency key, which is what makes a send happen exactly once across crashes;
`calendar_history` says who did what and when. Times are UTC ISO strings of one fixed width, so comparing the
strings compares the instants.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("calendar")


@migrations()
def m001_posts(db: sqlite_utils.Database) -> None:
    db.table("calendar_posts").create(
        {
            "id": int,
            "community": str,
            "status": str,
            "author_platform": str,
            "author_id": str,
            "body": str,
            "variants": str,  # JSON {"discord": "...", "slack": "..."}
            "attachments": str,  # JSON list of URLs
            "publish_at": str,  # the one publish time, or the first occurrence of a recurrence
            "cron": str,
            "until": str,
            "max_count": int,
            "timezone": str,
            "next_due_at": str,  # the occurrence to deliver next; NULL once the post is done
            "occurrences_done": int,
            "campaign": str,
            "pillar": str,
            "utm": int,
            "approved_by": str,
            "approved_platform": str,
            "approved_at": str,
            "rejected_reason": str,
            "published_at": str,  # when the latest occurrence went out
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"community", "status", "author_platform", "author_id", "body", "timezone"},
        defaults={"occurrences_done": 0, "utm": 1, "variants": "{}", "attachments": "[]"},
    )
    db.table("calendar_posts").create_index(["status", "next_due_at"])
    db.table("calendar_posts").create_index(["community", "campaign"])
    db.table("calendar_posts").create_index(["community", "pillar"])


@migrations()
def m002_targets(db: sqlite_utils.Database) -> None:
    db.table("calendar_targets").create(
        {"post_id": int, "platform": str, "channel_id": str},
        pk=("post_id", "platform", "channel_id"),
        foreign_keys=[("post_id", "calendar_posts", "id")],
    )


@migrations()
def m003_deliveries(db: sqlite_utils.Database) -> None:
    db.table("calendar_deliveries").create(
        {
            "id": int,
            "post_id": int,
            "community": str,
            "due_at": str,
            "platform": str,
            "channel_id": str,
            "idempotency_key": str,
            "status": str,  # sending | published | failed | missed | uncertain | skipped
            "attempts": int,
            "late": int,
            "message_id": str,
            "error": str,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"post_id", "due_at", "platform", "channel_id", "idempotency_key", "status"},
        defaults={"attempts": 0, "late": 0},
        foreign_keys=[("post_id", "calendar_posts", "id")],
    )
    db.table("calendar_deliveries").create_index(["idempotency_key"], unique=True)
    db.table("calendar_deliveries").create_index(["platform", "channel_id", "message_id"])
    db.table("calendar_deliveries").create_index(["status"])
    db.table("calendar_deliveries").create_index(["post_id", "due_at"])


@migrations()
def m004_history(db: sqlite_utils.Database) -> None:
    db.table("calendar_history").create(
        {
            "id": int,
            "post_id": int,
            "community": str,
            "at": str,
            "actor_platform": str,
            "actor_id": str,
            "action": str,
            "from_status": str,
            "to_status": str,
            "note": str,
        },
        pk="id",
        foreign_keys=[("post_id", "calendar_posts", "id")],
    )
    db.table("calendar_history").create_index(["post_id"])


@migrations()
def m005_review_cards(db: sqlite_utils.Database) -> None:
    """Where each open approval card of a post was posted, so a decision can close them all, on every platform."""
    db.table("calendar_review_cards").create(
        {"post_id": int, "platform": str, "channel_id": str, "message_id": str, "posted_at": str},
        pk=("platform", "message_id"),
        foreign_keys=[("post_id", "calendar_posts", "id")],
    )
    db.table("calendar_review_cards").create_index(["post_id"])


@migrations()
def m006_import_key(db: sqlite_utils.Database) -> None:
    """The stable key of the import row a post came from: re-importing the same file finds it again."""
    db.table("calendar_posts").add_column("import_key", str)
    db.table("calendar_posts").create_index(["community", "import_key"])


@migrations()
def m007_kind(db: sqlite_utils.Database) -> None:
    """What a post is: the SMM's own message, or a post another feature rides on the calendar (a poll), with
    that feature's id for it (`kind_ref`)."""
    db.table("calendar_posts").add_column("kind", str, not_null_default="message")
    db.table("calendar_posts").add_column("kind_ref", str)


@migrations()
def m008_revision(db: sqlite_utils.Database) -> None:
    """A post's revision, moved on by the database itself whenever what it says or where it goes changes (its
    content, its targets, its schedule): a delivery that read and rendered a post ahead of its due time claims
    it only if the revision is still the one it read, so an edit or a cancellation made meanwhile always wins.
    Triggers rather than code, so no writer (a command, an import, another process) can forget it."""
    db.table("calendar_posts").add_column("revision", int, not_null_default=0)
    watched = ("body, variants, attachments, publish_at, cron, until, max_count, timezone, campaign, pillar, utm,"
               " kind, kind_ref")
    db.execute(f"CREATE TRIGGER calendar_posts_revised AFTER UPDATE OF {watched} ON calendar_posts"
               " BEGIN UPDATE calendar_posts SET revision = revision + 1 WHERE id = NEW.id; END")
    db.execute("CREATE TRIGGER calendar_targets_added AFTER INSERT ON calendar_targets"
               " BEGIN UPDATE calendar_posts SET revision = revision + 1 WHERE id = NEW.post_id; END")
    db.execute("CREATE TRIGGER calendar_targets_removed AFTER DELETE ON calendar_targets"
               " BEGIN UPDATE calendar_posts SET revision = revision + 1 WHERE id = OLD.post_id; END")


@migrations()
def m009_message_index_once_sent(db: sqlite_utils.Database) -> None:
    """The ledger's index by platform message holds only the rows that have a message (sent, or found after a
    crash): a claim inserts its row with no message yet, so claiming a thousand posts due together no longer
    maintains an index entry per row that no query can use. Both queries by message (`message_ids_on`,
    `published_post_for`) name the message, so the partial index serves them as the full one did."""
    db.execute("DROP INDEX IF EXISTS idx_calendar_deliveries_platform_channel_id_message_id")
    db.execute("CREATE INDEX idx_calendar_deliveries_platform_channel_id_message_id ON calendar_deliveries"
               " (platform, channel_id, message_id) WHERE message_id IS NOT NULL")


@migrations()
def m010_revised_while_sending(db: sqlite_utils.Database) -> None:
    """Whether what a post says changed while one of its deliveries was in flight (`sending`).

    After a crash, Discord recognises a post it sent by its text (its history hides nonces), rendered again
    from the post as it is now: edited meanwhile (by an import while the bot was down, or a command in the
    instant between the claim and the kill), the message the bot did send would no longer match and the post
    would go out a second time. The mark tells the reconciliation not to trust the text: it then asks the CMs
    whenever a message of the bot's own stands in the window. A trigger marks it, so no writer can forget, and it
    fires on content edits only, never on the claims and sends themselves."""
    db.table("calendar_deliveries").add_column("revised_while_sending", int, not_null_default=0)
    content = "body, variants, attachments, campaign, pillar, utm, kind, kind_ref"
    db.execute(f"CREATE TRIGGER calendar_posts_revised_in_flight AFTER UPDATE OF {content} ON calendar_posts"
               " BEGIN UPDATE calendar_deliveries SET revised_while_sending = 1"
               " WHERE post_id = NEW.id AND status = 'sending'; END")
