"""A whole bot on the console (every shipped feature, a simulated clock, a real SQLite file) that a test drives
with console lines, stops and starts again on the same database."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime

import pytest
import sqlite_utils

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Paris


def settings_text(tmp_path, locale: str = "en", extra: str = "") -> str:
    return f"""
[bot]
database = "{tmp_path / 'polls.db'}"
[[communities]]
id = "demo"
name = "Demo"
locale = "{locale}"
timezone = "Europe/Paris"
[communities.console]
space_id = "console"
channels = {{ welcome = "welcome", moderation = "moderation", strategy = "strategy" }}
roles = {{ smm = ["smm"], cm = ["cm"], admin = ["admin"] }}
{extra}
"""


class ConsoleBot:
    """One run of the bot; `restart()` gives the next run on the same database, clock where it was."""

    def __init__(self, tmp_path, locale: str = "en", extra: str = "", clock: SimulatedClock | None = None) -> None:
        self.tmp_path, self.locale, self.extra = tmp_path, locale, extra
        self.settings = parse_settings(settings_text(tmp_path, locale, extra), "test.toml")
        self.clock = clock or SimulatedClock(START)
        self.wakeups = SteppedWakeups(self.clock)
        self.store = Store.open(tmp_path / "polls.db")
        self.app = App(self.settings, self.store, self.clock, self.wakeups, shipped_features())
        self.out = io.StringIO()
        self.console = ConsolePlatform("console", self.clock, self.app.services.commands, self.wakeups.run_due,
                                       stdin=io.StringIO(), stdout=self.out)
        self.app.attach([self.console])

    async def start(self) -> ConsoleBot:
        await self.app.start()
        return self

    async def lines(self, script: str) -> str:
        """Feed console lines; returns what the community saw meanwhile."""
        before = len(self.out.getvalue())
        for line in script.strip().splitlines():
            await self.console.feed(line.strip() + "\n")
        return self.out.getvalue()[before:]

    async def stop(self) -> None:
        await self.app.stop()

    async def restart(self) -> ConsoleBot:
        await self.stop()
        return await ConsoleBot(self.tmp_path, self.locale, self.extra, self.clock).start()

    @property
    def db(self) -> sqlite_utils.Database:
        return self.store.db


@pytest.fixture
async def console_bot(tmp_path):
    bots: list[ConsoleBot] = []

    async def make(locale: str = "en", extra: str = "") -> ConsoleBot:
        bot = await ConsoleBot(tmp_path, locale, extra).start()
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        with contextlib.suppress(Exception):  # already stopped by the test
            await bot.stop()
