"""The daily roll-ups are kept forever: the report's all-platforms figures and its chart must read the week's
days through an index, not every day the community ever had."""

from __future__ import annotations

from handlers.engagement.migrations import DAILY, DAILY_ACTIVE


def plan(db, sql: str, params: list) -> str:
    return " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_a_day_range_of_every_platform_is_read_through_the_day_index(db):
    week = ["acme", "2026-11-16", "2026-11-22"]
    activity = plan(db, f"SELECT sum(events) FROM {DAILY} WHERE community = ? AND day >= ? AND day <= ?"
                        " AND kind IN ('message', 'reply', 'reaction')", week)
    chart = plan(db, f"SELECT day, sum(active_members) FROM {DAILY_ACTIVE} WHERE community = ? AND day >= ?"
                     " AND day <= ? GROUP BY day", week)
    assert f"USING INDEX idx_{DAILY}_day (community=? AND day>? AND day<?)" in activity, activity
    assert f"USING INDEX idx_{DAILY_ACTIVE}_day (community=? AND day>? AND day<?)" in chart, chart


def test_the_chart_reads_one_row_per_day_and_platform(db):
    """Eight weeks of the chart are one query on the per-day roll-up (active members and posts side by side),
    not a walk of every channel and kind of those days."""
    from schedules.report.builder import _daily
    from schedules.report.weeks import IsoWeek
    from tests.report.dataset import acme_settings

    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        points = _daily(db, acme_settings().communities[0], IsoWeek(2026, 47))
    finally:
        db.conn.set_trace_callback(None)
    assert len(points) == 56
    assert len(seen) == 1 and DAILY_ACTIVE in seen[0] and f"{DAILY} " not in seen[0], seen
