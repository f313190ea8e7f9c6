"""Engagement ingest: console lines through the console platform and the engagement feature alone.

Console lines (messages, reactions to earlier messages, a few joins; the simulated clock moves ten seconds every
twenty events, so the rows carry times that advance as in production) go through the console platform, the
dispatcher's middleware and the engagement handler, whose writer batches them into SQLite; the timing stops
after the final flush. In the same run the same rows are written by plain `executemany` into an identical
table (same indexes): the ceiling any writer is held to.

Only the engagement feature is installed: this is the cost of logging engagement, not of the whole bot (the
`pipeline` scenario measures that). The batched writer is also timed alone on the very same rows, to separate
writing from dispatching; that line is a diagnosis, not the ingest goal, so it carries no goal.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import Measure, ScenarioOptions
from bot.app import App
from bot.clock import SimulatedClock
from bot.features.engagement import feature
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.store.migrations import apply_all
from bot.wakeups import SteppedWakeups
from config.loader import load_settings
from handlers.engagement.log import BatchedWriter
from handlers.engagement.migrations import EVENTS, HELP_INDEX_COLUMNS

SCENARIO = "engagement"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
COLUMNS = "community, platform, channel_id, member_id, kind, at, message_id, target_id, help, post_id"


def _script(count: int) -> list[str]:
    """Messages (74 %), reactions to recent messages (25 %), joins (1 %), from 2,000 members; ten simulated seconds
    pass every twenty events."""
    lines: list[str] = []
    posted = 0
    for index in range(count):
        if index and index % 20 == 0:
            lines.append("clock +10s\n")
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
                              wakeups.run_due, stdin=io.StringIO(), stdout=sink, advance_clock=wakeups.advance_to)
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
    db.execute(f"CREATE INDEX idx_{name}_help ON {name} ({HELP_INDEX_COLUMNS}) WHERE help = 1")


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
    """The batched writer alone, on the very rows the ingest wrote (read back), into a fresh identical table."""
    source = Store.open(folder / "ingest.db")
    rows = [tuple(row) for row in source.db.execute(f"SELECT {COLUMNS} FROM {EVENTS}").fetchall()]
    source.close()
    store = Store.open(folder / "writer.db")
    apply_all(store.db, [feature.migrations])
    writer = BatchedWriter(store, flush_events=batch)
    started = time.perf_counter()
    for item in rows:
        await writer.add(item)
    await writer.flush()
    elapsed = time.perf_counter() - started
    store.close()
    return len(rows) / elapsed


def run(options: ScenarioOptions) -> list[Measure]:
    count = 100_000 if options.quick else 1_000_000
    batch = 5000
    with tempfile.TemporaryDirectory() as folder:
        rate, elapsed = asyncio.run(_ingest(count, Path(folder)))
        raw, rows = _raw_rate(Path(folder), batch)
        writer = asyncio.run(_writer_rate(Path(folder), batch))
    return [
        Measure(SCENARIO, "cmbot console + engagement feature only", "ingest", rate, "events/s", ">= 50,000",
                note=f"{count:,} events ({rows:,} rows) in {elapsed:.1f} s, final flush included"),
        Measure(SCENARIO, "SQLite executemany, same rows (baseline)", "insert", raw, "rows/s",
                note=f"batches of {batch:,}, same table and indexes"),
        Measure(SCENARIO, "ingest / raw", "ratio", rate / raw, "", ">= 0.5"),
        Measure(SCENARIO, "batched writer alone, same rows (diagnosis)", "insert", writer, "rows/s",
                note="rows already built: writing without dispatching; not the ingest"),
        Measure(SCENARIO, "batched writer alone / raw (diagnosis)", "ratio", writer / raw, ""),
    ]
