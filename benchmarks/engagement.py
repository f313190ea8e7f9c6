"""Engagement: ingest through the console and the real handler, and the weekly report over a year of data.

Ingest: console lines (messages, reactions to earlier messages, a few joins) go through the console platform,
the dispatcher's middleware and the engagement handler, whose writer batches them into SQLite; the clock stops
after the final flush. In the same run the same rows are written by plain `executemany` into an identical
table (same indexes): the ceiling any writer is held to. The batched writer alone (rows already built) is
measured too, to separate the cost of writing from the cost of dispatching.

Report: a synthetic community of 100,000 members and 10 million events over a year, with a skewed activity
(a few members do most of the talking, as in real communities). As in production, last week's report exists
(the first one ever, which builds its roll-ups from raw rows, is timed too) and the nightly roll-up ran; we
time this week's report, beside plain `GROUP BY` scans of the same rows (the whole table, and one week).
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from benchmarks.harness import Measure, ScenarioOptions
from bot.app import App
from bot.clock import SimulatedClock
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.store.migrations import apply_all
from config.loader import load_settings
from handlers.engagement import feature
from handlers.engagement.log import BatchedWriter
from handlers.engagement.migrations import EVENTS
from schedules.report.builder import build_report
from schedules.report.weeks import IsoWeek
from schedules.retention import roll_up_recent
from schedules.wakeups import SteppedWakeups

SCENARIO = "engagement"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
COLUMNS = "community, platform, channel_id, member_id, kind, at, message_id, target_id, help, post_id"


def _script(count: int) -> list[str]:
    """Messages (74 %), reactions to recent messages (25 %), joins (1 %), from 2,000 members."""
    lines: list[str] = []
    posted = 0
    for index in range(count):
        member = f"member{(index * 7919) % 2000}"
        if index % 100 == 99:
            lines.append(f"join newcomer{index}\n")
        elif index % 4 == 3 and posted:
            lines.append(f"react {member} m{max(1, posted - index % 50)} 👍\n")
        else:
            posted += 1
            lines.append(f"say {member} #general message number {index}\n")
    return lines


async def _ingest(count: int, folder: Path) -> tuple[float, float]:
    settings = load_settings(None)
    settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": folder / "ingest.db"})})
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(folder / "ingest.db"), clock, wakeups, features=[feature])
    sink = io.StringIO()
    console = ConsolePlatform(settings.communities[0].console.space_id, clock, app.services.commands,
                              wakeups.run_due, stdin=io.StringIO(), stdout=sink)
    app.attach([console])
    await app.start()
    lines = _script(count)
    started = time.perf_counter()
    for line in lines:
        await console.feed(line)
        if sink.tell() > 1_000_000:
            sink.seek(0)
            sink.truncate()
    for hook in reversed(app.services.stop_hooks):  # the final flush is part of the ingest
        await hook()
    elapsed = time.perf_counter() - started
    app.services.stop_hooks.clear()
    await app.stop()
    return count / elapsed, elapsed


def _copy_table(db, name: str) -> None:
    db.execute(f"CREATE TABLE {name} AS SELECT * FROM {EVENTS} WHERE 0")
    db.execute(f"CREATE INDEX idx_{name}_kind_at ON {name} (community, kind, at)")
    db.execute(f"CREATE INDEX idx_{name}_post ON {name} (post_id, at) WHERE post_id IS NOT NULL")
    db.execute(f"CREATE INDEX idx_{name}_help ON {name} (community, kind, at) WHERE help = 1")


def _raw_rate(folder: Path, batch: int) -> tuple[float, int]:
    store = Store.open(folder / "ingest.db")
    db = store.db
    rows = db.execute(f"SELECT {COLUMNS} FROM {EVENTS}").fetchall()
    _copy_table(db, "raw_copy")
    marks = ", ".join("?" for _ in COLUMNS.split(","))
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        with db.conn:
            db.conn.executemany(f"INSERT INTO raw_copy ({COLUMNS}) VALUES ({marks})", rows[start:start + batch])
    elapsed = time.perf_counter() - started
    store.close()
    return len(rows) / elapsed, len(rows)


async def _writer_rate(folder: Path, batch: int) -> float:
    store = Store.open(folder / "writer.db")
    apply_all(store.db, [feature.migrations])
    rows = [("demo", "console", "general", f"member{i % 2000}", "message", 1_790_000_000 + i // 10, f"m{i}", None,
             0, None) for i in range(200_000)]
    writer = BatchedWriter(store, flush_events=batch)
    started = time.perf_counter()
    for item in rows:
        await writer.add(item)
    await writer.flush()
    elapsed = time.perf_counter() - started
    store.close()
    return len(rows) / elapsed


def _synthetic(db, members: int, events: int, end: datetime) -> None:
    """`events` rows over the year before `end`: 60 % messages, 15 % replies, 24 % reactions, 1 % joins/leaves."""
    rng = np.random.default_rng(7)
    db.conn.executemany(
        "INSERT INTO members (community, platform, member_id, display_name, joined_at, opted_out)"
        " VALUES ('demo', ?, ?, ?, '2025-01-01T00:00:00+00:00', 0)",
        [("discord" if i % 3 else "slack", f"u{i}", f"Member {i}") for i in range(members)],
    )
    year_start = int((end - timedelta(days=365)).timestamp())
    kinds = np.array(["message", "reply", "reaction", "join", "leave"])
    channels = np.array(["help", *(f"c{i}" for i in range(1, 20))])  # "help" is the demo's help channel
    chunk = 1_000_000
    for offset in range(0, events, chunk):
        size = min(chunk, events - offset)
        who = (members * rng.random(size) ** 3).astype(np.int64)  # skewed: few members do most
        at = year_start + rng.integers(0, 365 * 86_400, size)
        kind = kinds[rng.choice(5, size, p=[0.60, 0.15, 0.24, 0.007, 0.003])]
        channel = channels[(rng.random(size) ** 2 * 20).astype(np.int64)]
        rows = [
            ("demo", "discord" if w % 3 else "slack", "" if k in ("join", "leave") else c, f"u{w}", k, int(t),
             f"x{offset + i}", None, int(c == "help" and k in ("message", "reply")), None)
            for i, (w, t, k, c) in enumerate(zip(who.tolist(), at.tolist(), kind.tolist(), channel.tolist(),
                                                  strict=True))
        ]
        with db.conn:
            db.conn.executemany(f"INSERT INTO {EVENTS} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _report_times(folder: Path, members: int, events: int) -> dict[str, float]:
    settings = load_settings(None)
    community = settings.communities[0]
    now = START + timedelta(hours=1)
    store = Store.open(folder / "year.db")
    apply_all(store.db, [feature.migrations])
    started = time.perf_counter()
    _synthetic(store.db, members, events, now)
    figures = {"load_s": time.perf_counter() - started}
    week = IsoWeek.last_complete(now, community.tz)
    last_monday = now - timedelta(days=7)
    started = time.perf_counter()
    build_report(store.db, community, week.shift(-1), last_monday)  # a first report: builds its roll-ups
    figures["cold_s"] = time.perf_counter() - started
    started = time.perf_counter()
    roll_up_recent(store.db, community, now - timedelta(hours=5))  # the night before this report
    figures["nightly_s"] = time.perf_counter() - started
    started = time.perf_counter()
    report = build_report(store.db, community, week, now)
    figures["warm_s"] = time.perf_counter() - started
    start, end = week.epoch_bounds(community.tz)
    started = time.perf_counter()
    store.db.execute(f"SELECT platform, kind, count(*) FROM {EVENTS} GROUP BY platform, kind").fetchall()
    figures["scan_all_s"] = time.perf_counter() - started
    started = time.perf_counter()
    store.db.execute(
        f"SELECT platform, kind, count(*), count(DISTINCT member_id) FROM {EVENTS}"
        " WHERE community = 'demo' AND at >= ? AND at < ? GROUP BY platform, kind", [start, end]).fetchall()
    figures["scan_week_s"] = time.perf_counter() - started
    figures["active"] = float(report.overall.numbers["active_members"] or 0)
    store.close()
    return figures


def run(options: ScenarioOptions) -> list[Measure]:
    count = 100_000 if options.quick else 1_000_000
    members, events = (10_000, 1_000_000) if options.quick else (100_000, 10_000_000)
    batch = 5000
    with tempfile.TemporaryDirectory() as folder:
        rate, elapsed = asyncio.run(_ingest(count, Path(folder)))
        raw, rows = _raw_rate(Path(folder), batch)
        writer = asyncio.run(_writer_rate(Path(folder), batch))
        report = _report_times(Path(folder), members, events)
    return [
        Measure(SCENARIO, "cmbot console + engagement handler", "ingest", rate, "events/s", ">= 50,000",
                note=f"{count:,} events ({rows:,} rows) in {elapsed:.1f} s, final flush included"),
        Measure(SCENARIO, "SQLite executemany, same rows (baseline)", "insert", raw, "rows/s",
                note=f"batches of {batch:,}, same table and indexes"),
        Measure(SCENARIO, "ingest / raw", "ratio", rate / raw, "", ">= 0.5"),
        Measure(SCENARIO, "batched writer alone", "insert", writer, "rows/s", note="200,000 rows already built"),
        Measure(SCENARIO, "batched writer / raw", "ratio", writer / raw, "", ">= 0.5"),
        Measure(SCENARIO, "weekly report (after the nightly roll-up)", "time", report["warm_s"], "s", "< 1",
                note=f"{members:,} members, {events:,} events over a year"),
        Measure(SCENARIO, "nightly roll-up", "time", report["nightly_s"], "s",
                note="the 8 days and 2 weeks before, from raw rows (final ones skipped)"),
        Measure(SCENARIO, "first report ever (roll-ups built now)", "time", report["cold_s"], "s",
                note="8 weeks of days and 10 member-weeks rolled up from raw rows"),
        Measure(SCENARIO, "plain GROUP BY, whole table (baseline)", "time", report["scan_all_s"], "s",
                note=f"{events:,} rows"),
        Measure(SCENARIO, "plain GROUP BY, one week (baseline)", "time", report["scan_week_s"], "s",
                note="count and distinct members by platform and kind"),
        Measure(SCENARIO, "synthetic year loaded", "time", report["load_s"], "s",
                note=f"{int(report['active']):,} active members in the week"),
    ]
