"""A tiny bot around the real SlackPlatform and the local Slack fake: dispatcher, real middleware, a few
test handlers and commands. Tests drive Slack from the fake and look at what reached the fake's Web API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.actions import Action, Answer, Button, Content, ModalInput, OpenModal, Post
from bot.commands import CommandRegistry, CommandRouter, CommandSpec, Invocation, help_command
from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import (
    ButtonClicked,
    CommandInvoked,
    Event,
    MemberJoined,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageReported,
    ModalSubmitted,
    ReactionAdded,
    ReactionRemoved,
)
from bot.i18n import Catalogue
from bot.middleware import DeduplicateEvents, IgnoreBots
from bot.outbox import Outbox
from bot.platforms.slack import SlackPlatform
from bot.roles import Role
from bot.store import Store
from bot.text import MentionUser, Plain, Text
from config.loader import parse_settings
from config.settings import Community
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, TEAM_ID, SlackFake
from tests.patience import PATIENCE

WELCOME = "CWELCOME"
MODERATION = "CMOD"
GENERAL = "CGENERAL"
ADMIN_GROUP = "SADMINS"

SLACK_TOML = f"""
[[communities]]
id = "acme"
name = "Acme"
locale = "en"
timezone = "Europe/Paris"

[communities.slack]
space_id = "{TEAM_ID}"
channels = {{ welcome = "{WELCOME}", moderation = "{MODERATION}" }}
roles = {{ admin = ["{ADMIN_GROUP}"], cm = ["UCM"] }}
"""


@dataclass
class Harness:
    fake: SlackFake
    platform: SlackPlatform
    dispatcher: Dispatcher
    arrived: list[Event] = field(default_factory=list)
    handled: list[Event] = field(default_factory=list)

    def of_type(self, kind: type) -> list:
        return [e for e in self.handled if type(e) is kind]

    async def wait_handled(self, predicate, timeout: float = PATIENCE):
        """Wait until a handled event matches; the fake's change signal is not enough for core-only effects."""
        import asyncio

        async def poll():
            while True:
                found = [e for e in self.handled if predicate(e)]
                if found:
                    return found
                await asyncio.sleep(0.01)

        return await asyncio.wait_for(poll(), timeout)


def build_commands(catalogue: Catalogue) -> CommandRegistry:
    registry = CommandRegistry()
    registry.add(help_command(registry))

    async def ping(invocation: Invocation) -> Sequence[Action]:
        return [invocation.answer(Text.of("pong ", MentionUser(invocation.event.member.id)))]

    async def purge(invocation: Invocation) -> Sequence[Action]:
        return [Post(channel_id=MODERATION, content=Content(text=Text.of("purged")))]

    async def form(invocation: Invocation) -> Sequence[Action]:
        return [OpenModal(interaction=invocation.event.interaction, custom_id="test:form", title="A form",
                          inputs=(ModalInput("note", "Note", multiline=True),))]

    async def card(invocation: Invocation) -> Sequence[Action]:
        content = Content(text=Text.of("card"), title=Text.of("Title"),
                          buttons=(Button("test:approve:1", "Approve"),))
        return [Post(channel_id=GENERAL, content=content)]

    registry.add(CommandSpec(("ping",), "core.help_description", ping))
    registry.add(CommandSpec(("purge",), "core.help_description", purge, allowed=frozenset({Role.ADMIN})))
    registry.add(CommandSpec(("form",), "core.help_description", form))
    registry.add(CommandSpec(("card",), "core.help_description", card))
    return registry


async def build_harness(store: Store, fake: SlackFake, *, http: bool = False, **platform_options) -> Harness:
    settings = parse_settings(SLACK_TOML, "slack-test.toml")
    catalogue = Catalogue.shipped()
    outbox = Outbox()
    dispatcher = Dispatcher(CommunityDirectory(settings), outbox, catalogue)
    commands = build_commands(catalogue)
    options = {"bot_token": BOT_TOKEN, "app_token": APP_TOKEN, "signing_secret": SIGNING_SECRET}
    if http:
        options.update(http_port=0, http_host="127.0.0.1")
    options.update(platform_options)
    platform = SlackPlatform(settings=settings, commands=commands, catalogue=catalogue, api_base=fake.api_base,
                             **options)
    harness = Harness(fake, platform, dispatcher)

    async def arrive(event, community, nxt):
        harness.arrived.append(event)
        await nxt()

    ignore_bots = IgnoreBots()
    dispatcher.use(arrive)
    dispatcher.use(ignore_bots)
    dispatcher.use(DeduplicateEvents(store))
    dispatcher.subscribe(CommandInvoked, CommandRouter(commands, catalogue))

    async def record(event: Event, community: Community) -> Sequence[Action]:
        harness.handled.append(event)
        return []

    async def welcome(event: MemberJoined, community: Community) -> Sequence[Action]:
        harness.handled.append(event)
        text = Text.of("Welcome ", MentionUser(event.member.id), " (", Plain(event.member.display_name), ")")
        return [Post(channel_id=WELCOME, content=Content(text=text))]

    async def echo(event: MessagePosted, community: Community) -> Sequence[Action]:
        harness.handled.append(event)
        if event.text.startswith("!echo "):
            return [Post(channel_id=event.channel.id, content=Content(text=Text.of(event.text[6:])))]
        return []

    async def clicked(event: ButtonClicked, community: Community) -> Sequence[Action]:
        harness.handled.append(event)
        return [Answer(interaction=event.interaction, content=Content(text=Text.of(f"clicked {event.custom_id}")))]

    async def submitted(event: ModalSubmitted, community: Community) -> Sequence[Action]:
        harness.handled.append(event)
        return [Answer(interaction=event.interaction, content=Content(text=Text.of("thanks")))]

    dispatcher.subscribe(MemberJoined, welcome)
    dispatcher.subscribe(MessagePosted, echo)
    dispatcher.subscribe(ButtonClicked, clicked)
    dispatcher.subscribe(ModalSubmitted, submitted)
    for kind in (MessageEdited, MessageDeleted, ReactionAdded, ReactionRemoved, MessageReported):
        dispatcher.subscribe(kind, record)
    outbox.attach(platform)
    await platform.start(dispatcher.dispatch)
    if platform.bot_user_id:
        ignore_bots.own_ids.add(platform.bot_user_id)
    return harness
