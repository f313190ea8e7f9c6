"""Dispatch throughput with no handlers, beside the store's raw insert rate, in one run.

The first figure is the cost of the runtime itself for one message: the console line parsed, the event built,
community resolution, the middleware chain (bots, replays) and the dispatcher, with no feature installed. The
second is what SQLite does with plain `executemany` on this machine, the ceiling any store write is held to.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Measure, ScenarioOptions
from bot.app import App
from bot.clock import SimulatedClock
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import load_settings

SCENARIO = "dispatch"


async def _dispatch_rate(count: int, folder: Path) -> tuple[float, float]:
    settings = load_settings(None)
    clock = SimulatedClock()
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(folder / "dispatch.db"), clock, wakeups, features=[])
    sink = io.StringIO()
    console = ConsolePlatform(
        "console", clock, app.services.commands, wakeups.run_due, stdin=io.StringIO(), stdout=sink
    )
    app.attach([console])
    await app.start()
    lines = [f"say member{i % 500} #general message number {i}\n" for i in range(count)]
    started = time.perf_counter()
    for line in lines:
        await console.feed(line)
        if sink.tell() > 1_000_000:
            sink.seek(0)
            sink.truncate()
    elapsed = time.perf_counter() - started
    await app.stop()
    return count / elapsed, elapsed


def _raw_insert_rate(count: int, folder: Path) -> float:
    store = Store.open(folder / "raw.db")
    db = store.db
    db.execute("CREATE TABLE raw (community TEXT, platform TEXT, channel TEXT, member TEXT, kind TEXT, at TEXT)")
    rows = [("demo", "console", "general", f"member{i % 500}", "message", f"2026-11-23T09:{i % 60:02d}:00")
            for i in range(count)]
    started = time.perf_counter()
    with db.conn:
        db.conn.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - started
    store.close()
    return count / elapsed


def run(options: ScenarioOptions) -> list[Measure]:
    count = 20_000 if options.quick else 200_000
    with tempfile.TemporaryDirectory() as folder:
        rate, elapsed = asyncio.run(_dispatch_rate(count, Path(folder)))
        raw = _raw_insert_rate(count, Path(folder))
    return [
        Measure(SCENARIO, "cmbot console, no handlers", "events/s", rate, "events/s",
                note=f"{count:,} messages in {elapsed:.2f} s"),
        Measure(SCENARIO, "SQLite executemany (baseline)", "rows/s", raw, "rows/s", note=f"{count:,} rows"),
    ]
