"""A bot with only the moderation feature, a recording platform and a fake clock; event builders."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.events import ButtonClicked, ChannelRef, InteractionRef, Member, MessageEdited, MessagePosted, PlatformName
from bot.features.moderation import feature
from bot.platforms.console.platform import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.recording import RecordingPlatform

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ALICE = Member("alice", "Alice")
CLAIRE = Member("claire", "Claire", roles=frozenset({"cm"}))

BASE_TOML = """
[bot]
database = "{db}"

[[communities]]
id = "demo"
name = "Demo"
locale = "{locale}"

[communities.console]
space_id = "console"
channels = {{ {channels} }}
roles = {{ cm = ["cm"], admin = ["admin"] }}

[communities.moderation]
# The queue's tests are about rules and decisions; the models have their own tests (test_classifier.py).
classifier = {{ enabled = false }}
{moderation}
"""


class Bot:
    def __init__(self, tmp_path, moderation: str = "", locale: str = "en", platform: RecordingPlatform | None = None,
                 channels: str = 'moderation = "modq"'):
        toml = BASE_TOML.format(db=tmp_path / "cmbot.db", moderation=moderation, locale=locale, channels=channels)
        self.settings = parse_settings(toml, "test.toml")
        self.clock = SimulatedClock(T0)
        self.store = Store.open(tmp_path / "cmbot.db")
        self.app = App(self.settings, self.store, self.clock, SteppedWakeups(self.clock), features=[feature])
        self.platform = platform or RecordingPlatform()
        self.app.attach([self.platform])
        self._ids = itertools.count(1)

    async def start(self) -> Bot:
        await self.app.start()
        return self

    async def stop(self) -> None:
        await self.app.stop()

    def next_id(self) -> str:
        return str(next(self._ids))

    async def post(self, text: str, member: Member = ALICE, channel: str = "general", kind=MessagePosted,
                   message_id: str | None = None, after: timedelta = timedelta(seconds=1), **extra):  # fmt: skip
        self.clock.advance(after)
        event = kind(
            platform=PlatformName.CONSOLE, space_id="console", event_id=f"e{self.next_id()}", at=self.clock.now(),
            channel=ChannelRef(channel, channel), member=member, message_id=message_id or f"m{self.next_id()}",
            text=text, **extra,
        )  # fmt: skip
        return await self.dispatch(event)

    async def dispatch(self, event):
        """Dispatch `event`, then wait for what it left for later (a flag's card, once the flag is written)."""
        results = await self.app.services.dispatcher.dispatch(event)
        await self.app.services.dispatcher.settle()
        return results

    async def edit(self, message_id: str, text: str, member: Member = ALICE, channel: str = "general"):
        return await self.post(text, member, channel, kind=MessageEdited, message_id=message_id)

    async def click(self, custom_id: str, member: Member = CLAIRE, message_id: str = "r1"):
        self.clock.advance(timedelta(minutes=3))
        event = ButtonClicked(
            platform=PlatformName.CONSOLE, space_id="console", event_id=f"e{self.next_id()}", at=self.clock.now(),
            channel=ChannelRef("modq", "modq"), member=member, custom_id=custom_id, message_id=message_id,
            interaction=InteractionRef(PlatformName.CONSOLE, f"i{self.next_id()}"),
        )  # fmt: skip
        return await self.dispatch(event)

    def flags(self) -> list[dict]:
        return list(self.store.db["moderation_flags"].rows_where(order_by="id"))

    def flag_rules(self) -> list[dict]:
        return list(self.store.db["moderation_flag_rules"].rows_where(order_by="flag_id, rule"))


@pytest.fixture
async def bot(tmp_path):
    running = await Bot(tmp_path).start()
    yield running
    await running.stop()


@pytest.fixture
async def make_bot(tmp_path):
    made: list[Bot] = []

    async def build(moderation: str = "", locale: str = "en", platform: RecordingPlatform | None = None,
                    channels: str = 'moderation = "modq"') -> Bot:
        folder = tmp_path / f"bot{len(made)}"
        folder.mkdir()
        running = await Bot(folder, moderation, locale, platform, channels).start()
        made.append(running)
        return running

    yield build
    for running in made:
        await running.stop()


async def play_on_console(bot: Bot, lines: list[str] | tuple[str, ...],
                          before_stop: Callable[[], object] | None = None) -> str:
    """Run the bot on the console platform through a script of console lines, one at a time, then `before_stop`
    (to read the store while it is open), then stop it; what the console printed."""
    out = io.StringIO()
    clock = bot.clock
    assert isinstance(clock, SimulatedClock)
    console = ConsolePlatform("console", clock, bot.app.services.commands, lambda: None, io.StringIO(), out)
    bot.app.platforms[:] = [console]
    await bot.app.start()
    try:
        for line in lines:
            await console.feed(line + "\n")
        if before_stop is not None:
            before_stop()
    finally:
        await bot.app.stop()
    return out.getvalue()
