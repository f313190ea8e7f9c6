"""No table can hold message content; forget-me reaches every engagement row of a member."""

from __future__ import annotations

from bot.features import shipped_features
from bot.features.engagement import feature
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.engagement.migrations import (
    DAILY,
    DAILY_ACTIVE,
    EVENTS,
    FIRST_ACTIVE,
    FIRST_ACTIVE_MARKS,
    MEMBER_WEEKS,
    MEMBERSHIP,
    MEMBERSHIP_MARKS,
    REGULARS,
    REPORT_FIGURES,
    REPORT_RUNS,
    RETENTION_CUTOFFS,
    ROLLUPS,
    STAFF,
    WEEK_ANSWERED,
    WEEK_COUNTS,
    WEEK_HELPFULNESS,
    WEEK_RESPONDERS,
    WEEK_SLIPPING,
    WEEK_UNANSWERED,
)
from tests.report.dataset import NOW, acme_settings, load

# Every column of the engagement tables, by name: a new column (say, "text") must be added here on purpose.
ALLOWED = {
    EVENTS: {"id", "community", "platform", "channel_id", "member_id", "kind", "at", "message_id", "target_id",
             "help", "post_id"},
    DAILY: {"community", "platform", "day", "channel_id", "kind", "events"},
    DAILY_ACTIVE: {"community", "platform", "day", "active_members", "posts"},
    MEMBER_WEEKS: {"community", "platform", "week", "member_id", "messages", "replies", "reactions"},
    ROLLUPS: {"community", "period", "final_at", "start_epoch", "end_epoch"},
    RETENTION_CUTOFFS: {"community", "cutoff"},
    STAFF: {"community", "platform", "member_id", "staff", "seen_at"},
    REPORT_RUNS: {"community", "platform", "week", "status", "late", "message_id", "error", "started_at",
                  "finished_at", "parts_sent", "first_message_id"},
    REPORT_FIGURES: {"community", "week", "platform", "figures", "built_at"},  # aggregates only
    FIRST_ACTIVE: {"community", "platform", "member_id", "first_at", "last_at"},
    FIRST_ACTIVE_MARKS: {"community", "covered_until"},
    REGULARS: {"community", "window_end", "min_weeks", "platform", "member_id", "mask"},
    MEMBERSHIP: {"community", "platform", "member_id", "kind", "at"},
    MEMBERSHIP_MARKS: {"community", "covered_until"},
    WEEK_COUNTS: {"community", "week", "scope", "at_start", "at_end", "joined", "left", "active", "population",
                  "activated", "recent", "retained"},  # counts only
    WEEK_HELPFULNESS: {"community", "week", "platform", "member_id", "account", "points"},
    WEEK_SLIPPING: {"community", "week", "setting", "platform", "member_id", "account", "weeks"},
    WEEK_ANSWERED: {"community", "week", "platform", "asked_at", "delays", "unanswered",
                    "responses"},  # times, delays and counts only
    WEEK_RESPONDERS: {"community", "week", "platform", "member_id", "answered_at"},  # ids and times only
    WEEK_UNANSWERED: {"community", "week", "platform", "channel_id", "message_id", "asked_at", "member_id",
                      "asker_at"},
}
CONTENT_NAMES = {"content", "text", "message_text", "message_content", "words", "excerpt_text"}
# The one exception, on purpose: what a member writes *to the brand* with /feedback, kept for the team to answer
# and erased after `feedback.text_days` (tests/feedback/test_decisions.py), never read for analytics.
WRITTEN_TO_THE_BRAND = {"feedback_items": {"text"}}


def test_engagement_tables_have_only_id_and_count_columns(tmp_path):
    store = Store.open(tmp_path / "schema.db")
    apply_all(store.db, [feature.migrations])
    for table, allowed in ALLOWED.items():
        assert set(store.db[table].columns_dict) == allowed, table
    store.close()


def test_no_table_of_the_whole_bot_has_a_content_column(tmp_path):
    store = Store.open(tmp_path / "all.db")
    apply_all(store.db, [f.migrations for f in shipped_features() if f.migrations is not None])
    for table in store.db.table_names():
        columns = {c.lower() for c in store.db[table].columns_dict} - WRITTEN_TO_THE_BRAND.get(table, set())
        assert not columns & CONTENT_NAMES, (table, columns & CONTENT_NAMES)
    store.close()


def test_every_engagement_table_with_member_ids_is_declared_personal_data(tmp_path):
    declared = {p.table for p in feature.personal_data}
    assert declared == {t for t, cols in ALLOWED.items() if "member_id" in cols}


def test_forget_me_leaves_no_row_of_the_member(store):
    """Erasing through the declarations (as the privacy feature does) removes d4 from every engagement table."""
    from schedules.report.builder import build_report
    from schedules.report.weeks import IsoWeek

    load(store.db)
    build_report(store.db, acme_settings().communities[0], IsoWeek(2026, 47), NOW)  # roll-ups hold d4 too
    assert store.db.execute(f"SELECT count(*) FROM {MEMBER_WEEKS} WHERE member_id = 'd4'").fetchone()[0] > 0
    for item in feature.personal_data:
        store.db.execute(
            f"DELETE FROM {item.table} WHERE {item.member_column} = ? AND {item.platform_column} = ?"
            f" AND {item.community_column} = ?", ["d4", "discord", "acme"])
    for table in ALLOWED:
        for column in store.db[table].columns_dict:
            count = store.db.execute(f"SELECT count(*) FROM {table} WHERE {column} = 'd4'").fetchone()[0]
            assert count == 0, (table, column)
