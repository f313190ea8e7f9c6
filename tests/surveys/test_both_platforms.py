"""A DM survey of a community on Discord and Slack asks its members on both: started from one platform, it is
sent to the active members of every platform the bot runs, a person with linked accounts once (on the platform
it was started from), each DM on its member's own platform, and the answers of both add up in one result."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import Answer, DirectMessage, Post
from bot.app import App
from bot.clock import SimulatedClock
from bot.events import (
    ButtonClicked,
    ChannelRef,
    CommandInvoked,
    InteractionRef,
    Member,
    MessagePosted,
    PlatformName,
)
from bot.features import shipped_features
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from handlers.privacy.accounts import Account, link
from handlers.surveys.messages import score_id
from tests.recording import RecordingPlatform

DISCORD, SLACK = PlatformName.DISCORD, PlatformName.SLACK
TOML = """
[[communities]]
id = "demo"
name = "Demo"
locale = "en"
timezone = "Europe/Paris"

[communities.discord]
space_id = "g1"
channels = { strategy = "dstrat" }
roles = { smm = ["smm"] }

[communities.slack]
space_id = "T1"
channels = { strategy = "sstrat" }
roles = { smm = ["smm"] }

[communities.surveys]
max_recipients = 100
"""
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SPACES = {DISCORD: "g1", SLACK: "T1"}


class TwoPlatforms:
    def __init__(self, tmp_path) -> None:
        self.clock = SimulatedClock(START)
        self.wakeups = SteppedWakeups(self.clock)
        self.app = App(parse_settings(TOML, "test.toml"), Store.open(tmp_path / "cmbot.db"), self.clock, self.wakeups,
                       shipped_features())
        self.platforms = {DISCORD: RecordingPlatform(DISCORD), SLACK: RecordingPlatform(SLACK)}
        self.app.attach(list(self.platforms.values()))
        self.ids = itertools.count(1)

    async def say(self, platform: PlatformName, member_id: str) -> None:
        n = next(self.ids)
        await self.app.services.dispatcher.dispatch(MessagePosted(
            platform=platform, space_id=SPACES[platform], event_id=f"e{n}", at=self.clock.now(),
            channel=ChannelRef("general"), member=Member(member_id, member_id, frozenset()), message_id=f"m{n}",
            text="hello"))

    async def act(self, platform: PlatformName, event_kind, member: Member, **fields) -> list:
        token = f"i{next(self.ids)}"
        recording = self.platforms[platform]
        mark = len(recording.actions)
        await self.app.services.dispatcher.dispatch(event_kind(
            platform=platform, space_id=SPACES[platform], event_id=token, at=self.clock.now(),
            member=member, interaction=InteractionRef(platform, token), **fields))
        return recording.actions[mark:]

    def dms(self, platform: PlatformName) -> list[str]:
        return [dm.member_id for dm in self.platforms[platform].of_type(DirectMessage)]


@pytest.fixture
async def world(tmp_path):
    running = TwoPlatforms(tmp_path)
    await running.app.start()
    yield running
    await running.app.stop()


async def test_a_dm_survey_started_on_discord_asks_the_active_members_of_both_platforms_once(world):
    for member in ("ada", "bob", "cyd"):
        await world.say(DISCORD, member)
    for member in ("U_ADA", "U_DEE"):
        await world.say(SLACK, member)
    link(world.app.services.store.db, "demo", Account("discord", "ada"), Account("slack", "U_ADA"), START)

    said = await world.act(DISCORD, CommandInvoked, Member("sam", "Sam", frozenset({"smm"})),
                           channel=ChannelRef("general"), path=("survey", "new"),
                           options={"kind": "nps", "where": "dm"})
    [answer] = [a for a in said if isinstance(a, Answer)]
    assert "4 members will get it by direct message" in answer.content.text.plain()
    assert sorted(world.dms(DISCORD)) == ["ada", "bob", "cyd"]  # Ada is asked where the survey was started…
    assert world.dms(SLACK) == ["U_DEE"]  # …not again on her linked Slack account

    await world.act(DISCORD, ButtonClicked, Member("bob", "bob", frozenset()), channel=ChannelRef("dm"),
                    custom_id=score_id(1, 9), message_id="r1")
    await world.act(SLACK, ButtonClicked, Member("U_DEE", "dee", frozenset()), channel=ChannelRef("dm"),
                    custom_id=score_id(1, 3), message_id="r1")
    refused = await world.act(SLACK, ButtonClicked, Member("U_ADA", "ada", frozenset()), channel=ChannelRef("dm"),
                              custom_id=score_id(1, 10), message_id="r1")
    assert [a for a in refused if isinstance(a, Answer)]  # not asked on Slack: told so, not counted

    await world.wakeups.advance_to(START + timedelta(days=7, minutes=1))  # closes on its own
    [results] = [p for p in world.platforms[DISCORD].of_type(Post) if p.channel_id == "dstrat"
                 and p.content.title is not None and p.content.title.plain().startswith("Survey #1")]
    [score] = [f.value.plain() for f in results.content.fields if f.name == "Score"]
    assert "2 answers" in score  # Bob on Discord and Dee on Slack, in one result
    assert world.platforms[SLACK].of_type(Post) == [] or all(  # the result goes where the survey was started
        not (p.content.title and p.content.title.plain().startswith("Survey #1"))
        for p in world.platforms[SLACK].of_type(Post))
