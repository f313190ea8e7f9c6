"""A tiny app around the real DiscordPlatform and the local fake Discord: the core's dispatcher, outbox and
command router, with a few test handlers standing in for the features."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from bot.actions import Action, Answer, Content, ModalInput, OpenModal, Post
from bot.commands import CommandRegistry, CommandRouter, CommandSpec, Invocation, OptionKind, OptionSpec
from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import (
    ButtonClicked,
    CommandInvoked,
    Event,
    MemberJoined,
    MessagePosted,
    MessageReported,
    ModalSubmitted,
)
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.platforms.discord import DiscordPlatform, GatewayTimings
from bot.roles import Role
from bot.text import MentionUser, Text
from config.loader import parse_settings
from config.settings import Community
from tests.fakes.discord_fake import FakeDiscord

GUILD = "100"
WELCOME_CHANNEL = "701"
SMM_ROLE, CM_ROLE, ADMIN_ROLE = "501", "502", "503"

DISCORD_TOML = f"""
[[communities]]
id = "brand"
name = "Brand"
locale = "fr"

[communities.discord]
space_id = "{GUILD}"
roles = {{ smm = ["{SMM_ROLE}"], cm = ["{CM_ROLE}"], admin = ["{ADMIN_ROLE}"] }}
channels = {{ welcome = "{WELCOME_CHANNEL}", moderation = "702" }}
"""


@dataclass
class Seen:
    """What the test handlers saw and did."""

    events: list[Event] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


def build_registry(seen: Seen) -> CommandRegistry:
    async def ping(invocation: Invocation) -> Sequence[Action]:
        return [invocation.answer(Text.of("pong"), ephemeral=False)]

    async def draft(invocation: Invocation) -> Sequence[Action]:
        seen.drafts.append(str(invocation.options["text"]))
        return [invocation.answer(Text.of("draft saved"))]

    async def compose(invocation: Invocation) -> Sequence[Action]:
        inputs = (ModalInput("body", "Text", multiline=True),)
        return [OpenModal(interaction=invocation.event.interaction, custom_id="post:compose", title="Draft",
                          inputs=inputs)]

    async def announce(invocation: Invocation) -> Sequence[Action]:
        return [invocation.answer(Text.of("for everyone"), ephemeral=False)]

    registry = CommandRegistry()
    registry.add(CommandSpec(path=("announce",), description_key="core.help_description", run=announce, slow=True))
    registry.add(CommandSpec(path=("compose",), description_key="core.help_description", run=compose))
    registry.add(CommandSpec(path=("ping",), description_key="core.help_description", run=ping))
    registry.add(CommandSpec(
        path=("post", "draft"), description_key="core.help_description", run=draft,
        allowed=frozenset({Role.SMM}), slow=True,
        options=(OptionSpec("text", "core.help_description", OptionKind.TEXT, required=True),),
    ))
    return registry


def build_dispatcher(settings, registry: CommandRegistry, outbox: Outbox, seen: Seen) -> Dispatcher:
    catalogue = Catalogue.shipped()
    dispatcher = Dispatcher(CommunityDirectory(settings), outbox, catalogue)
    dispatcher.subscribe(CommandInvoked, CommandRouter(registry, catalogue))

    async def record(event: Event, community: Community) -> Sequence[Action]:
        seen.events.append(event)
        return []

    async def welcome(event: MemberJoined, community: Community) -> Sequence[Action]:
        seen.events.append(event)
        text = Text.of("Bienvenue ", MentionUser(event.member.id), " ! @everyone <@&501> ", event.member.display_name)
        return [Post(channel_id=WELCOME_CHANNEL, content=Content(text=text))]

    async def clicked(event: ButtonClicked, community: Community) -> Sequence[Action]:
        seen.events.append(event)
        return [Answer(interaction=event.interaction, content=Content(text=Text.of(f"clicked {event.custom_id}")))]

    dispatcher.subscribe(MemberJoined, welcome)
    dispatcher.subscribe(MessagePosted, record)
    dispatcher.subscribe(ButtonClicked, clicked)
    dispatcher.subscribe(MessageReported, record)
    dispatcher.subscribe(ModalSubmitted, record)
    return dispatcher


@dataclass
class Harness:
    fake: FakeDiscord
    platform: DiscordPlatform
    seen: Seen
    dispatcher: Dispatcher


@pytest.fixture
def discord_settings():
    return parse_settings(DISCORD_TOML, "discord-test.toml")


@pytest.fixture
async def fake():
    server = await FakeDiscord(guild_ids=(GUILD,)).start()
    yield server
    await server.stop()


def make_platform(fake: FakeDiscord, settings, registry: CommandRegistry, token: str | None = None):
    return DiscordPlatform(token=token or fake.token, settings=settings, commands=registry,
                           catalogue=Catalogue.shipped(), api_base=fake.api_base, gateway_url=fake.gateway_url,
                           timings=GatewayTimings(guild_ready=0.05, reidentify=0.0))


@pytest.fixture
async def harness(fake, discord_settings):
    seen = Seen()
    registry = build_registry(seen)
    outbox = Outbox()
    dispatcher = build_dispatcher(discord_settings, registry, outbox, seen)
    platform = make_platform(fake, discord_settings, registry)
    outbox.attach(platform)
    await platform.start(dispatcher.dispatch)
    yield Harness(fake, platform, seen, dispatcher)
    await platform.stop()


@pytest.fixture(autouse=True)
def _discord_endpoints_restored():
    """`point_at` changes discord.py's endpoints process-wide: put them back after each test."""
    import discord

    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    logging.getLogger("discord").setLevel(logging.WARNING)
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway
