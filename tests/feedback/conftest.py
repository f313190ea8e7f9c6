"""A console session of the whole bot, for the feedback inbox's tests: feed lines, read what was printed."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from tests.discord.conftest import _discord_endpoints_restored, fake  # noqa: F401  (the Discord fake, for wire tests)


class Session:
    def __init__(self, settings, path) -> None:
        self.path = path
        self.settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": path})})
        self.clock = SimulatedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        self.wakeups = SteppedWakeups(self.clock)
        self.store = Store.open(path)
        self.app = App(self.settings, self.store, self.clock, self.wakeups, shipped_features())
        self.out = io.StringIO()
        self.console = ConsolePlatform("console", self.clock, self.app.services.commands, self.wakeups.run_due,
                                       stdin=io.StringIO(), stdout=self.out)
        self.app.attach([self.console])
        self._read = 0
        self.settle = True  # write what rides on the store's next trip before returning, so `rows` reads it

    async def play(self, script: str) -> str:
        """Feed the lines; what the console printed for them."""
        for line in script.strip().splitlines():
            await self.console.feed(line.strip() + "\n")
        if self.settle and self.store.waiting_later:
            await self.store.run(lambda db: None)
        printed = self.out.getvalue()[self._read:]
        self._read = len(self.out.getvalue())
        return printed

    def rows(self, sql: str, params=()) -> list[tuple]:
        return self.store.db.execute(sql, params).fetchall()


@pytest.fixture
async def session(settings, tmp_path):
    opened = Session(settings, tmp_path / "c.db")
    await opened.app.start()
    yield opened
    await opened.app.stop()
