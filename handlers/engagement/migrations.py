"""The engagement tables, one function per schema change.

`engagement_events` is the log: one row per message, reply, reaction, join or leave, with ids and a time and
never the words (a test checks that no column could hold content). Times are integer UTC epoch seconds: compact,
fast to compare, and free of any timezone, so a week in the community's timezone is just a range of numbers.

Roll-ups keep reports fast over years: `engagement_daily` (counts per local day, channel and kind, no member
ids, kept forever), `engagement_daily_active` (distinct active members per day, for the chart) and
`engagement_member_weeks` (per member and ISO week: what the week's metrics need, purged with the raw rows).
`engagement_rollups` records which periods are final. `report_runs` is the weekly report's ledger.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("engagement")

EVENTS = "engagement_events"
DAILY = "engagement_daily"
DAILY_ACTIVE = "engagement_daily_active"
MEMBER_WEEKS = "engagement_member_weeks"
ROLLUPS = "engagement_rollups"
REPORT_RUNS = "report_runs"
REPORT_FIGURES = "report_figures"
# What the help index holds: every column the help metrics read (who asked or replied, where, to what, when), so
# they are answered from the index alone, never from the log's rows scattered over the whole table. `help` is
# always 1 there, but SQLite reads an index as covering only when it holds every column the query names.
HELP_INDEX_COLUMNS = "community, kind, at, platform, channel_id, member_id, message_id, target_id, help"


@migrations()
def m001_events(db: sqlite_utils.Database) -> None:
    db.execute(
        f"""CREATE TABLE {EVENTS} (
            id INTEGER PRIMARY KEY,
            community TEXT NOT NULL,
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            member_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            at INTEGER NOT NULL,
            message_id TEXT,
            target_id TEXT,
            post_id INTEGER
        )"""
    )
    # One index serves every week scan (by kind and time); a partial one finds the few rows about our posts.
    db.execute(f"CREATE INDEX idx_{EVENTS}_kind_at ON {EVENTS} (community, kind, at)")
    db.execute(f"CREATE INDEX idx_{EVENTS}_post ON {EVENTS} (post_id, at) WHERE post_id IS NOT NULL")


@migrations()
def m002_rollups(db: sqlite_utils.Database) -> None:
    db.table(DAILY).create(
        {"community": str, "platform": str, "day": str, "channel_id": str, "kind": str, "events": int},
        pk=("community", "platform", "day", "channel_id", "kind"),
    )
    db.table(DAILY_ACTIVE).create(
        {"community": str, "platform": str, "day": str, "active_members": int},
        pk=("community", "platform", "day"),
    )
    db.table(MEMBER_WEEKS).create(
        {"community": str, "platform": str, "week": str, "member_id": str, "messages": int, "replies": int,
         "reactions": int},
        pk=("community", "week", "platform", "member_id"),
    )
    db.table(ROLLUPS).create(
        {"community": str, "period": str, "final_at": str},
        pk=("community", "period"),
    )


@migrations()
def m003_report_runs(db: sqlite_utils.Database) -> None:
    db.table(REPORT_RUNS).create(
        {"community": str, "platform": str, "week": str, "status": str, "late": int, "message_id": str,
         "error": str, "started_at": str, "finished_at": str},
        pk=("community", "platform", "week"),
        not_null={"status"},
        defaults={"late": 0},
    )


@migrations()
def m004_help_index_and_figures(db: sqlite_utils.Database) -> None:
    """Rows posted in a help channel are marked (`help` = 1) and indexed apart, so the time-to-first-response
    metric reads only them, at no cost for the other rows; and the figures of each reported week are kept, so
    the next report compares with what was published, at no cost."""
    db.execute(f"ALTER TABLE {EVENTS} ADD COLUMN help INTEGER NOT NULL DEFAULT 0")
    db.execute(f"CREATE INDEX idx_{EVENTS}_help ON {EVENTS} (community, kind, at) WHERE help = 1")
    db.table(REPORT_FIGURES).create(
        {"community": str, "week": str, "platform": str, "figures": str, "built_at": str},
        pk=("community", "week", "platform"),
    )


@migrations()
def m005_report_parts_sent(db: sqlite_utils.Database) -> None:
    """How many cards of a weekly report already went out, so a retry after a failure sends only the rest."""
    db.execute(f"ALTER TABLE {REPORT_RUNS} ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0")
    db.execute(f"ALTER TABLE {REPORT_RUNS} ADD COLUMN first_message_id TEXT")


RETENTION_CUTOFFS = "engagement_retention_cutoffs"


@migrations()
def m006_rollup_spans(db: sqlite_utils.Database) -> None:
    """Final roll-ups know the span of time they cover, so rows that change that span reopen them.

    A row written late (an event delivered out of order, a buffer flushed after the nightly roll-up) or a row
    erased by forget-me makes the periods it falls in current again: the next report recomputes them from the
    raw rows instead of reading a total that is no longer true. Rows deleted by the retention purge (older than
    the community's cutoff, recorded in `engagement_retention_cutoffs`) do not: their roll-ups are the history
    that outlives them.
    """
    db.execute(f"ALTER TABLE {ROLLUPS} ADD COLUMN start_epoch INTEGER")
    db.execute(f"ALTER TABLE {ROLLUPS} ADD COLUMN end_epoch INTEGER")
    db.execute(f"CREATE INDEX idx_{ROLLUPS}_span ON {ROLLUPS} (community, end_epoch)")
    db.table(RETENTION_CUTOFFS).create({"community": str, "cutoff": int}, pk="community")
    db.execute(
        f"""CREATE TRIGGER {EVENTS}_erased AFTER DELETE ON {EVENTS}
            WHEN OLD.at >= coalesce((SELECT cutoff FROM {RETENTION_CUTOFFS} WHERE community = OLD.community), 0)
            BEGIN
                DELETE FROM {ROLLUPS} WHERE community = OLD.community AND end_epoch > OLD.at
                    AND start_epoch <= OLD.at;
            END"""
    )


STAFF = "engagement_staff"


@migrations()
def m007_staff(db: sqlite_utils.Database) -> None:
    """Accounts that hold a staff role (SMM, CM, admin) as last seen by the log: the report never ranks them
    among the members to thank. One row per account, updated only when its status changes."""
    db.table(STAFF).create(
        {"community": str, "platform": str, "member_id": str, "staff": int, "seen_at": int},
        pk=("community", "platform", "member_id"),
    )


FIRST_ACTIVE = "engagement_first_active"
FIRST_ACTIVE_MARKS = "engagement_first_active_marks"


@migrations()
def m008_first_active(db: sqlite_utils.Database) -> None:
    """The first and last activity of each account and how far the log was rolled up (see `presence`): the
    report learns who was around before an instant without reading the whole log."""
    db.table(FIRST_ACTIVE).create(
        {"community": str, "platform": str, "member_id": str, "first_at": int, "last_at": int},
        pk=("community", "platform", "member_id"),
    )
    db.execute(f"CREATE INDEX idx_{FIRST_ACTIVE}_first ON {FIRST_ACTIVE} (community, first_at)")
    db.table(FIRST_ACTIVE_MARKS).create({"community": str, "covered_until": int}, pk="community")


REGULARS = "engagement_regulars"


@migrations()
def m009_regulars(db: sqlite_utils.Database) -> None:
    """The regulars of each ended six-week window (see `regulars`): accounts active in enough of its weeks, with
    a bit per week, so the report's "slipping away" reads them instead of eight weeks of member-weeks."""
    db.table(REGULARS).create(
        {"community": str, "window_end": str, "min_weeks": int, "platform": str, "member_id": str, "mask": int},
        pk=("community", "window_end", "min_weeks", "platform", "member_id"),
    )


MEMBERSHIP = "engagement_membership"
MEMBERSHIP_MARKS = "engagement_membership_marks"


@migrations()
def m010_membership(db: sqlite_utils.Database) -> None:
    """Each account's last join or leave up to a mark (see `membership`): who was a member at the start of a
    recent week is read from here and the few raw joins and leaves after the mark, not from the whole log."""
    db.table(MEMBERSHIP).create(
        {"community": str, "platform": str, "member_id": str, "kind": str, "at": int},
        pk=("community", "platform", "member_id"),
    )
    db.table(MEMBERSHIP_MARKS).create({"community": str, "covered_until": int}, pk="community")


WEEK_COUNTS = "engagement_week_counts"


@migrations()
def m011_week_counts(db: sqlite_utils.Database) -> None:
    """Each ended week's member counts per report scope ('all' or a platform), counting accounts (see
    `schedules.report.week_counts`): the report reads one row instead of placing every member in or out of
    the week. A period of the roll-up ledger: a late row or an erased one before the week's end reopens it."""
    db.table(WEEK_COUNTS).create(
        {"community": str, "week": str, "scope": str, "at_start": int, "at_end": int, "joined": int, "left": int,
         "active": int, "population": int, "activated": int, "recent": int, "retained": int},
        pk=("community", "week", "scope"),
    )


WEEK_HELPFULNESS = "engagement_week_helpfulness"
WEEK_SLIPPING = "engagement_week_slipping"


@migrations()
def m012_week_helpfulness_and_slipping(db: sqlite_utils.Database) -> None:
    """Each ended week's helpfulness score per account and its regulars slipping away (see
    `schedules.report.week_helpfulness` and `week_slipping`), indexed in the order the report lists them, so it
    reads the first few rows; and the few members who opted out found without reading every member."""
    db.table(WEEK_HELPFULNESS).create(
        {"community": str, "week": str, "platform": str, "member_id": str, "account": str, "points": int},
        pk=("community", "week", "platform", "member_id"),
    )
    db.execute(f"CREATE INDEX idx_{WEEK_HELPFULNESS}_rank ON {WEEK_HELPFULNESS}"
               " (community, week, points DESC, account)")
    db.table(WEEK_SLIPPING).create(
        {"community": str, "week": str, "setting": str, "platform": str, "member_id": str, "account": str,
         "weeks": int},
        pk=("community", "week", "setting", "platform", "member_id"),
    )
    db.execute(f"CREATE INDEX idx_{WEEK_SLIPPING}_rank ON {WEEK_SLIPPING}"
               " (community, week, setting, weeks DESC, account)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_members_opted_out ON members (community) WHERE opted_out = 1")


WEEK_ANSWERED = "engagement_week_answered"
WEEK_UNANSWERED = "engagement_week_unanswered"


@migrations()
def m013_week_responses(db: sqlite_utils.Database) -> None:
    """Each ended week's help questions (see `schedules.report.week_responses`): per platform, the time and
    first-response delay of the questions answered when it was rolled up, packed in one row (8-byte integers),
    and each question then unanswered, found by its key when a late answer comes."""
    db.table(WEEK_ANSWERED).create(
        {"community": str, "week": str, "platform": str, "asked_at": bytes, "delays": bytes},
        pk=("community", "week", "platform"),
    )
    db.execute(
        f"""CREATE TABLE {WEEK_UNANSWERED} (
            community TEXT NOT NULL, week TEXT NOT NULL, platform TEXT NOT NULL, channel_id TEXT NOT NULL,
            message_id TEXT, asked_at INTEGER NOT NULL, member_id TEXT NOT NULL, asker_at INTEGER NOT NULL
        )"""
    )
    db.execute(f"CREATE INDEX idx_{WEEK_UNANSWERED}_question ON {WEEK_UNANSWERED}"
               " (community, week, platform, channel_id, message_id)")
    db.execute(f"CREATE INDEX idx_{WEEK_UNANSWERED}_asked ON {WEEK_UNANSWERED} (community, week, platform, asked_at)")


@migrations()
def m014_daily_by_day(db: sqlite_utils.Database) -> None:
    """The report's all-platforms figures and its chart read the daily roll-ups by community and day range:
    indexed, so they read the week's rows and not every day the community ever had (kept forever)."""
    db.execute(f"CREATE INDEX idx_{DAILY}_day ON {DAILY} (community, day)")
    db.execute(f"CREATE INDEX idx_{DAILY_ACTIVE}_day ON {DAILY_ACTIVE} (community, day)")


WEEK_RESPONDERS = "engagement_week_responders"


@migrations()
def m015_week_responders(db: sqlite_utils.Database) -> None:
    """The help-questions roll-up keeps its counts and who gave each first response: the report reads how many
    questions are still unanswered from one row per platform (not by counting them), and the ambassadors' share
    of first responses from the few ambassadors' rows (not from the week's log). The roll-ups already made are
    made again, in this form, by the next report or nightly roll-up that needs them."""
    db.execute(f"ALTER TABLE {WEEK_ANSWERED} ADD COLUMN unanswered INTEGER")
    db.execute(f"ALTER TABLE {WEEK_ANSWERED} ADD COLUMN responses INTEGER")
    db.table(WEEK_RESPONDERS).create(
        {"community": str, "week": str, "platform": str, "member_id": str, "answered_at": bytes},
        pk=("community", "week", "platform", "member_id"),
    )
    db.execute(f"DELETE FROM {ROLLUPS} WHERE period LIKE 'q:%'")


@migrations()
def m016_daily_posts(db: sqlite_utils.Database) -> None:
    """Each day's messages and replies per platform beside its active members, so the report's chart reads one
    row per day and platform instead of every channel and kind of eight weeks (filled from the daily counts)."""
    db.execute(f"ALTER TABLE {DAILY_ACTIVE} ADD COLUMN posts INTEGER NOT NULL DEFAULT 0")
    db.execute(
        f"UPDATE {DAILY_ACTIVE} SET posts = (SELECT coalesce(sum(d.events), 0) FROM {DAILY} d"
        f" WHERE d.community = {DAILY_ACTIVE}.community AND d.platform = {DAILY_ACTIVE}.platform"
        f" AND d.day = {DAILY_ACTIVE}.day AND d.kind IN ('message', 'reply'))")


@migrations()
def m017_help_index_covers(db: sqlite_utils.Database) -> None:
    """The help index holds the columns the help metrics read. Through the narrow one, every help row a report
    or a roll-up read (the replies since the last nightly roll-up, each week's questions and first replies)
    was also a look-up in the log's table, at a random place in it: a cost that grew with the log's size, not
    only with the week's questions. Rebuilt from the help rows alone (about a sixth of the log)."""
    db.execute(f"DROP INDEX IF EXISTS idx_{EVENTS}_help")
    db.execute(f"CREATE INDEX idx_{EVENTS}_help ON {EVENTS} ({HELP_INDEX_COLUMNS}) WHERE help = 1")
