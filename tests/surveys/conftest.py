"""A running app with every shipped feature on a recording platform and a simulated clock, and helpers that
play members: speak, call `/survey …`, click a score, fill the comment form."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import Answer, DirectMessage, OpenModal, Post
from bot.app import App
from bot.clock import SimulatedClock
from bot.events import (
    ButtonClicked,
    ChannelRef,
    CommandInvoked,
    InteractionRef,
    Member,
    MessagePosted,
    ModalSubmitted,
    PlatformName,
)
from bot.features import shipped_features
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.recording import RecordingPlatform

TOML = """
[[communities]]
id = "demo"
name = "Demo"
locale = "{locale}"
timezone = "Europe/Paris"

[communities.console]
space_id = "console"
channels = {{ strategy = "strategy", surveys = "{fallback}" }}
roles = {{ smm = ["smm"], cm = ["cm"], admin = ["admin"] }}

[communities.surveys]
{surveys}
"""
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CONSOLE = PlatformName.CONSOLE


@dataclass
class World:
    app: App
    platform: RecordingPlatform
    clock: SimulatedClock
    wakeups: SteppedWakeups
    path: Path
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    stopped: bool = False

    @property
    def db(self):
        return self.app.services.store.db

    def _member(self, member_id: str, roles: tuple[str, ...] = ()) -> Member:
        return Member(member_id, member_id.capitalize(), frozenset(roles))

    async def say(self, member_id: str, channel: str = "general") -> None:
        n = next(self.ids)
        await self.app.services.dispatcher.dispatch(MessagePosted(
            platform=CONSOLE, space_id="console", event_id=f"e{n}", at=self.clock.now(), channel=ChannelRef(channel),
            member=self._member(member_id), message_id=f"m{n}", text="hello"))

    async def flush(self) -> None:
        await self.app.services.flush_pending()

    def _since(self, mark: int, kind: type) -> list:
        return [a for a in self.platform.actions[mark:] if isinstance(a, kind)]

    async def command(self, member_id: str, line: str, roles: tuple[str, ...] = (), channel: str = "general"
                      ) -> list[str]:
        path, options = self.app.services.commands.split_line(line)
        token = f"i{next(self.ids)}"
        mark = len(self.platform.actions)
        await self.app.services.dispatcher.dispatch(CommandInvoked(
            platform=CONSOLE, space_id="console", event_id=token, at=self.clock.now(), channel=ChannelRef(channel),
            member=self._member(member_id, roles), path=path, options=options,
            interaction=InteractionRef(CONSOLE, token)))
        return [a.content.text.plain() for a in self._since(mark, Answer) if a.interaction.token == token]

    async def click(self, member_id: str, custom_id: str, message_id: str = "r1", roles: tuple[str, ...] = ()
                    ) -> list:
        token = f"i{next(self.ids)}"
        mark = len(self.platform.actions)
        await self.app.services.dispatcher.dispatch(ButtonClicked(
            platform=CONSOLE, space_id="console", event_id=token, at=self.clock.now(), channel=ChannelRef("dm"),
            member=self._member(member_id, roles), custom_id=custom_id, message_id=message_id,
            interaction=InteractionRef(CONSOLE, token)))
        return self.platform.actions[mark:]

    async def submit(self, member_id: str, custom_id: str, **values: str) -> list[str]:
        token = f"i{next(self.ids)}"
        mark = len(self.platform.actions)
        await self.app.services.dispatcher.dispatch(ModalSubmitted(
            platform=CONSOLE, space_id="console", event_id=token, at=self.clock.now(), member=self._member(member_id),
            custom_id=custom_id, values=values, interaction=InteractionRef(CONSOLE, token)))
        return [a.content.text.plain() for a in self._since(mark, Answer)]

    def dms(self) -> list[DirectMessage]:
        return self.platform.of_type(DirectMessage)

    def posts(self) -> list[Post]:
        return self.platform.of_type(Post)

    def modals(self) -> list[OpenModal]:
        return self.platform.of_type(OpenModal)

    async def advance(self, delta: timedelta) -> None:
        await self.wakeups.advance_to(self.clock.now() + delta)

    async def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            await self.app.stop()


@pytest.fixture
async def make_world(tmp_path):
    opened: list[World] = []

    async def build(surveys: str = "", locale: str = "en", fallback: str = "lobby", clock: SimulatedClock | None = None,
                    platform: RecordingPlatform | None = None) -> World:
        settings = parse_settings(TOML.format(locale=locale, surveys=surveys, fallback=fallback), "test.toml")
        clock = clock or SimulatedClock(START)
        wakeups = SteppedWakeups(clock)
        path = tmp_path / "cmbot.db"
        app = App(settings, Store.open(path), clock, wakeups, shipped_features())
        recording = platform or RecordingPlatform()
        app.attach([recording])
        await app.start()
        world = World(app, recording, clock, wakeups, path)
        opened.append(world)
        return world

    yield build
    for world in opened:
        await world.stop()
