"""A running app with only the features under test, on a recording platform and a simulated clock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.events import ChannelRef, Member, MemberJoined, MemberLeft, MessagePosted, PlatformName
from bot.features.welcome import feature as welcome_feature
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.recording import RecordingPlatform

BASE_TOML = """
[[communities]]
id = "demo"
name = "Demo"
locale = "en"
timezone = "Europe/Paris"

[communities.console]
space_id = "console"
channels = {{ welcome = "welcome", rules = "rules", moderation = "moderation", onboarding = "onboarding" }}
roles = {{ cm = ["cm"], admin = ["admin"] }}

[communities.moderation]
enabled = {moderation}

[communities.welcome]
{welcome}
"""
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass
class Harness:
    app: App
    platform: RecordingPlatform
    clock: SimulatedClock
    wakeups: SteppedWakeups
    store: Store
    ids = itertools.count(1)
    stopped: bool = False

    async def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            await self.app.stop()

    async def join(self, member_id: str, name: str | None = None, event_id: str | None = None) -> list:
        member = Member(member_id, name or member_id, joined_at=self.clock.now())
        event = MemberJoined(
            platform=PlatformName.CONSOLE,
            space_id="console",
            event_id=event_id or f"join:{member_id}:{self.clock.now().isoformat()}",
            at=self.clock.now(),
            member=member,
        )
        return await self.app.services.dispatcher.dispatch(event)

    async def leave(self, member_id: str) -> None:
        event = MemberLeft(
            platform=PlatformName.CONSOLE, space_id="console", event_id=f"e{next(self.ids)}", at=self.clock.now(),
            member=Member(member_id, member_id),
        )
        await self.app.services.dispatcher.dispatch(event)

    async def say(self, member_id: str, text: str = "hello") -> None:
        number = next(self.ids)
        event = MessagePosted(
            platform=PlatformName.CONSOLE, space_id="console", event_id=f"e{number}", at=self.clock.now(),
            channel=ChannelRef("general"), member=Member(member_id, member_id), message_id=f"m{number}", text=text,
        )
        await self.app.services.dispatcher.dispatch(event)

    async def advance(self, delta: timedelta) -> int:
        self.clock.advance(delta)
        return await self.wakeups.run_due()


@pytest.fixture
async def make_harness(tmp_path):
    opened: list[Harness] = []

    async def build(welcome: str = "", features=None, db_name: str = "cmbot.db", clock=None,
                    moderation: bool = False) -> Harness:
        toml = BASE_TOML.format(welcome=welcome, moderation=str(moderation).lower())
        settings = parse_settings(toml, "test.toml")
        clock = clock or SimulatedClock(START)
        wakeups = SteppedWakeups(clock)
        store = Store.open(tmp_path / db_name)
        app = App(settings, store, clock, wakeups, features=features or [welcome_feature])
        platform = RecordingPlatform()
        app.attach([platform])
        await app.start()
        harness = Harness(app, platform, clock, wakeups, store)
        opened.append(harness)
        return harness

    yield build
    for harness in opened:
        await harness.stop()
