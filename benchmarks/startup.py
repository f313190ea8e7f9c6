"""Startup and memory: how long `cmbot --help` and `cmbot --version` take beside a bare interpreter, and the
resident memory of an idle console bot, empty and with 10,000 posts waiting in its calendar.

Each command runs in a fresh process, the three commands interleaved so that a busy machine slows them alike;
the median of the runs is reported, with its ratio to `python -c pass` measured in the same run. The memory
figures are read from `/proc/<pid>/status` of a real `cmbot run --platform console` once it has answered a
first line of input (so every feature is installed and every start hook, the calendar's rebuild of its
wake-ups included, has run).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import Measure, ScenarioOptions

SCENARIO = "startup"
START_AT = "2026-11-23T09:00:00+01:00"
PENDING_POSTS = 10_000
CONFIG = """
[bot]
database = "{db}"
log_level = "WARNING"

[[communities]]
id = "bench"
name = "Bench"
locale = "en"
timezone = "Europe/Paris"

[communities.console]
space_id = "console"
channels = {{ welcome = "welcome", moderation = "moderation", strategy = "strategy" }}
"""


def cmbot_command() -> list[str]:
    """The installed `cmbot` script beside this interpreter, as a user runs it; else `python -m bot`."""
    script = Path(sys.executable).parent / "cmbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def _clean_env() -> dict[str, str]:
    # no credentials: `cmbot run` picks the console, and nothing reaches a network
    return {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=_clean_env())
    return time.perf_counter() - started


def time_commands(runs: int) -> dict[str, float]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "cmbot --help": [*cmbot_command(), "--help"],
        "cmbot --version": [*cmbot_command(), "--version"],
    }
    for command in commands.values():  # warm the page cache and the bytecode once
        _seconds(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(_seconds(command))
    return {name: statistics.median(values) for name, values in samples.items()}


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def idle_rss(config: Path) -> tuple[float, float]:
    """Start the console bot, wait until it answers `help`, and read its RSS (now, and its peak so far)."""
    process = subprocess.Popen(
        [*cmbot_command(), "--config", str(config), "run", "--platform", "console", "--start-at", START_AT],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_clean_env(),
        cwd=config.parent,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("help\n")
        process.stdin.flush()
        for line in process.stdout:  # bounded by the process: it answers or ends
            if "clock" in line:  # the help text lists the `clock` line: every start hook has run
                break
        else:
            raise RuntimeError("the console bot ended before answering")
        return _status_mb(process.pid, "VmRSS"), _status_mb(process.pid, "VmHWM")
    finally:
        process.stdin.close()
        process.wait(timeout=120)


def _fill_calendar(db: Path, count: int) -> None:
    from benchmarks.scheduling import _fill
    from bot.features import shipped_features
    from bot.store import Store
    from bot.store.migrations import apply_all

    store = Store.open(db)
    try:
        apply_all(store.db, [f.migrations for f in shipped_features() if f.migrations is not None])
        _fill(store, count, datetime(2026, 12, 1, 9, tzinfo=UTC))
    finally:
        store.close()


def run(options: ScenarioOptions) -> list[Measure]:
    runs = 5 if options.quick else 15
    medians = time_commands(runs)
    bare = medians["python -c pass"]
    measures = [Measure(SCENARIO, "python -c pass (baseline)", "start, median", round(bare * 1000, 1), "ms",
                        note=f"{runs} runs")]
    for name in ("cmbot --help", "cmbot --version"):
        ratio = medians[name] / bare
        measures.append(Measure(SCENARIO, name, "start, median", round(medians[name] * 1000, 1), "ms",
                                goal="≤ 4× bare", note=f"{ratio:.1f}× bare"))
    folder = Path(tempfile.mkdtemp(prefix="cmbot-startup-"))
    try:
        empty = folder / "empty"
        empty.mkdir()
        (empty / "cmbot.toml").write_text(CONFIG.format(db=empty / "cmbot.db"), encoding="utf-8")
        rss, peak = idle_rss(empty / "cmbot.toml")
        measures.append(Measure(SCENARIO, "cmbot run (console), idle", "RSS", round(rss, 1), "MB", goal="< 80 MB",
                                note=f"peak {peak:.1f} MB"))
        full = folder / "full"
        full.mkdir()
        (full / "cmbot.toml").write_text(CONFIG.format(db=full / "cmbot.db"), encoding="utf-8")
        count = 1_000 if options.quick else PENDING_POSTS
        _fill_calendar(full / "cmbot.db", count)
        rss, peak = idle_rss(full / "cmbot.toml")
        measures.append(Measure(SCENARIO, f"cmbot run (console), {count:,} pending posts", "RSS", round(rss, 1),
                                "MB", goal="< 100 MB", note=f"peak {peak:.1f} MB"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return measures
