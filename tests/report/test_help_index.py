"""The help metrics (time to first response, the ambassadors' share, the helpful members) read the help rows of
the engagement log. Those rows are scattered over the whole log; read through an index that does not hold the
columns they need, each one costs a look-up in the log's table, a cost that grows with the log's size and not
with the week's questions. Every help query the report and its roll-ups run must be answered from the help index
alone."""

from __future__ import annotations

import re

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.engagement.migrations import EVENTS, migrations
from schedules.report.builder import build_report
from tests.report.dataset import NOW, load
from tests.report.test_metrics import W47


def _help_queries(db, run) -> list[str]:
    """The statements over the log's help rows that `run` executes (as SQLite ran them, values bound)."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        db.conn.set_trace_callback(None)
    return [sql for sql in seen if re.search(rf"\b{EVENTS}\b", sql) and "help = 1" in sql
            and sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def _plan(db, sql: str) -> str:
    return " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql))


def test_every_help_query_of_a_first_report_and_the_next_is_covered_by_the_help_index(db, acme):
    load(db)
    queries = _help_queries(db, lambda: (build_report(db, acme, W47.shift(-1), NOW),  # a first report: roll-ups
                                         build_report(db, acme, W47, NOW)))
    assert len(queries) >= 4, queries  # questions, first replies, the answers since the roll-up, helpfulness
    for sql in queries:
        plan = _plan(db, sql)
        assert f"USING COVERING INDEX idx_{EVENTS}_help" in plan, (sql, plan)


def test_the_covering_index_replaces_the_narrow_one_and_keeps_the_rows(tmp_path):
    """A database made before the index held its columns gets it on upgrade, with every help row in it."""
    store = Store.open(tmp_path / "old.db")
    try:
        apply_all(store.db, [])  # the core tables the engagement ones refer to
        migrations.apply(store.db, stop_before="m017_help_index_covers")
        store.db.execute(f"INSERT INTO {EVENTS} (community, platform, channel_id, member_id, kind, at, message_id,"
                         " help) VALUES ('acme', 'discord', 'help-d', 'd3', 'message', 1, 'q1', 1)")
        migrations.apply(store.db)
        indexes = {name: sql for name, sql in store.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", [EVENTS])}
        assert "target_id" in indexes[f"idx_{EVENTS}_help"] and "WHERE help = 1" in indexes[f"idx_{EVENTS}_help"]
        counted = store.db.execute(f"SELECT count(*) FROM {EVENTS} INDEXED BY idx_{EVENTS}_help"
                                   " WHERE community = 'acme' AND kind = 'message' AND help = 1").fetchone()[0]
        assert counted == 1
    finally:
        store.close()
