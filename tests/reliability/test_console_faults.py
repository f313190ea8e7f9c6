"""`cmbot run` on the console under faults: a locked database, an unusable one, hostile and failing lines.

Each test runs the real CLI as a subprocess and reads what it prints, its log and its exit status.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import SimulatedClock
from bot.commands import CommandRegistry
from bot.events import MemberJoined
from bot.exit_status import ExitStatus
from bot.platforms.console import ConsolePlatform
from bot.store.database import StoreUnavailable
from tests.patience import PATIENCE
from tests.reliability.conftest import ROOT, Locker

CONFIG = """
[bot]
database = "{db}"
log_level = "INFO"

[[communities]]
id = "demo"
name = "Demo"
locale = "en"

[communities.console]
space_id = "console"
channels = {{ welcome = "welcome", moderation = "moderation", strategy = "strategy" }}
roles = {{ cm = ["cm"] }}
"""
WELCOME = "[#welcome] cmbot: Welcome to Demo, @{name}!"


def start_bot(tmp_path: Path, **env_extra: str) -> subprocess.Popen[str]:
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "bot.db"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    env.update(env_extra)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(config), "run", "--platform", "console",
         "--start-at", "2026-11-23T09:00:00+01:00"],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def play(bot: subprocess.Popen[str], *lines: str) -> None:
    assert bot.stdin is not None
    bot.stdin.write("".join(f"{line}\n" for line in lines))
    bot.stdin.flush()


def read_until(stream, marker: str) -> str:
    """Read lines until one holds `marker` (bounded by the process: it prints it or its stream ends)."""
    seen = []
    for line in stream:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never came; read:\n{''.join(seen)[-3000:]}")


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_store_locked_past_its_patience_stops_the_bot_with_exit_status_5_and_says_why(tmp_path):
    bot = start_bot(tmp_path, CMBOT_STORE_PATIENCE_SECONDS="1")
    try:
        play(bot, "join alice")
        read_until(bot.stdout, WELCOME.format(name="alice"))
        with Locker(tmp_path / "bot.db"):
            play(bot, "join bob", "say bob #general never handled")
            out, errors = bot.communicate(timeout=PATIENCE)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == ExitStatus.STORE_UNUSABLE == 5
    assert "ERROR" in errors and "the database cannot be used: another process kept the database locked" in errors
    assert "never handled" not in out  # the rest of the script is not played as if nothing happened
    assert "CRITICAL" not in errors and "uncaught" not in errors  # a clean stop, not a crash


def test_clock_lines_past_the_year_9999_are_refused_and_the_script_goes_on(tmp_path):
    bot = start_bot(tmp_path)
    play(bot, "join alice", "clock +999999999d", "clock 99999-01-01T00:00", "say alice #general still here")
    out, errors = bot.communicate(timeout=PATIENCE)
    assert bot.returncode == 0, errors
    assert "console: the clock cannot go past the year 9999" in out
    assert "[#general] alice: still here" in out


async def test_an_unexpected_error_in_one_line_is_logged_with_its_traceback_and_the_next_line_plays(caplog):
    clock = SimulatedClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    out = io.StringIO()
    console = ConsolePlatform("console", clock, CommandRegistry(), lambda: None, io.StringIO(), out)
    handled: list[str] = []

    async def sink(event) -> None:
        if isinstance(event, MemberJoined) and event.member.id == "bob":
            raise RuntimeError("a bug in a handler's neighbourhood")
        handled.append(event.member.id)

    await console.start(sink)
    with caplog.at_level(logging.ERROR):
        assert await console.feed("join bob\n") is True
    assert await console.feed("join alice\n") is True
    assert handled == ["alice"]
    assert "console: the line 'join bob\\n' failed" in caplog.text
    assert "Traceback" in caplog.text and "a bug in a handler's neighbourhood" in caplog.text
    assert "that line failed (the error is in the log)" in out.getvalue()


async def test_a_store_failure_in_a_line_stops_the_console_and_reports_it():
    clock = SimulatedClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    console = ConsolePlatform("console", clock, CommandRegistry(), lambda: None, io.StringIO(), io.StringIO())
    stopped: list[StoreUnavailable] = []
    console.on_fatal = stopped.append

    async def sink(event) -> None:
        raise StoreUnavailable("the database cannot be used: the disk is full")

    await console.start(sink)
    assert await console.feed("join bob\n") is False  # no further line is played
    assert [str(e) for e in stopped] == ["the database cannot be used: the disk is full"]
