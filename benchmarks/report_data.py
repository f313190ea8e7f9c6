"""The synthetic year of engagement the `report` scenario reads, generated inside SQLite.

100,000 members (a third on Slack), and `events` rows spread evenly over the year before the report, in time
order as a live log is written: 60 % messages, 15 % replies, 24 % reactions, 1 % joins and leaves. Activity is
skewed (a few members do most of the talking: the member is `members · u³` for a uniform `u`), channels too
(`help`, the demo's help channel, gets the most). Replies and reactions point at one of the few hundred rows
before them, as in a live conversation, so the helpfulness signals (first responses, reactions received) exist.

Every pseudo-random draw is a fixed hash of the row number, so the same sizes give the same rows on every run,
and the whole log is one `INSERT … SELECT` over a recursive counter per million rows: no Python object per row,
which is what lets the 10-million-event database be built in a few minutes. The build turns the journal and
syncing off (a benchmark file nobody else opens; a crash only loses the benchmark) and turns them back on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlite_utils

from handlers.engagement.migrations import EVENTS

CHUNK = 1_000_000
# Three chained draws per row, each uniform in [0, 1): a multiplicative hash, then two LCG steps (products stay
# below 2⁶³, so SQLite keeps integers).
_H1 = "((n * 2654435761 + 12345) % 4294967296)"
_H2 = f"(({_H1} * 1103515245 + 12345) % 2147483648)"
_H3 = f"(({_H2} * 1103515245 + 12345) % 2147483648)"
_H4 = f"(({_H3} * 1103515245 + 12345) % 2147483648)"


def _draws_sql(members: int, year_start: int, step: float) -> str:
    return f"""
        WITH RECURSIVE counter(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM counter WHERE n + 1 < ?),
        draws AS (
            SELECT n, {_H1} / 4294967296.0 AS u_who, {_H2} / 2147483648.0 AS u_kind,
                   {_H3} / 2147483648.0 AS u_channel, {_H4} AS h_target FROM counter),
        picked AS (
            SELECT n, CAST({members} * u_who * u_who * u_who AS INTEGER) AS who,
                   CASE WHEN u_kind < 0.60 THEN 'message' WHEN u_kind < 0.75 THEN 'reply'
                        WHEN u_kind < 0.99 THEN 'reaction' WHEN u_kind < 0.997 THEN 'join' ELSE 'leave' END AS kind,
                   CAST(u_channel * u_channel * 20 AS INTEGER) AS channel, h_target FROM draws)
        SELECT 'demo', CASE WHEN who % 3 THEN 'discord' ELSE 'slack' END,
               CASE WHEN kind IN ('join', 'leave') THEN '' WHEN channel = 0 THEN 'help' ELSE 'c' || channel END,
               'u' || who, kind, {year_start} + CAST(n * {step} AS INTEGER), 'x' || n,
               CASE WHEN kind IN ('reply', 'reaction') AND n > 0 THEN 'x' || max(0, n - 1 - h_target % 400) END,
               channel = 0 AND kind IN ('message', 'reply'), NULL
        FROM picked"""


def fill(db: sqlite_utils.Database, members: int, events: int, end: datetime,
         progress: Callable[[int, int], None] | None = None) -> None:
    """Write the members and `events` rows of the year before `end` (see the module's docstring)."""
    conn = db.conn
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")  # 256 MB: the events index stays in memory while it grows
    try:
        with conn:
            conn.execute(
                "INSERT INTO members (community, platform, member_id, display_name, joined_at, opted_out)"
                " WITH RECURSIVE counter(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM counter WHERE n + 1 < ?)"
                " SELECT 'demo', CASE WHEN n % 3 THEN 'discord' ELSE 'slack' END, 'u' || n, 'Member ' || n,"
                " '2025-01-01T00:00:00+00:00', 0 FROM counter", [members])
        year_start = int((end - timedelta(days=365)).timestamp())
        step = 365 * 86_400 / events
        sql = (f"INSERT INTO {EVENTS} (community, platform, channel_id, member_id, kind, at, message_id, target_id,"
               f" help, post_id) {_draws_sql(members, year_start, step)}")
        for offset in range(0, events, CHUNK):
            with conn:
                conn.execute(sql, [offset, min(events, offset + CHUNK)])
            if progress is not None:
                progress(min(events, offset + CHUNK), events)
    finally:
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA journal_mode = WAL")
