"""Dispatch: routing by exact event type, handler isolation, middleware, unclaimed spaces."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.actions import Answer, Content, Post
from bot.commands import CommandRegistry, CommandRouter, CommandSpec, help_command
from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import (
    ChannelRef,
    CommandInvoked,
    InteractionRef,
    Member,
    MemberJoined,
    MessageBase,
    MessageEdited,
    MessagePosted,
    PlatformName,
    ReactionAdded,
    ReactionBase,
    ReactionRemoved,
)
from bot.handling import STOP, Then
from bot.i18n import Catalogue
from bot.middleware import DeduplicateEvents, IgnoreBots
from bot.outbox import Outbox
from bot.roles import Role
from bot.text import Text
from tests.recording import RecordingPlatform

ALICE = Member(id="alice", display_name="Alice")


def message(t0, event_id="e1", member=ALICE, space="console", kind=MessagePosted):
    return kind(
        platform=PlatformName.CONSOLE,
        space_id=space,
        event_id=event_id,
        at=t0,
        channel=ChannelRef("general"),
        member=member,
        message_id=event_id,
        text="hello",
    )


def build(settings, store=None):
    platform = RecordingPlatform()
    outbox = Outbox({PlatformName.CONSOLE: platform})
    dispatcher = Dispatcher(CommunityDirectory(settings), outbox, Catalogue.shipped())
    dispatcher.use(IgnoreBots(own_ids={"bot"}))
    if store is not None:
        dispatcher.use(DeduplicateEvents(store))
    return dispatcher, platform


async def test_handlers_run_in_order_and_actions_reach_the_platform(settings, t0):
    dispatcher, platform = build(settings)
    seen = []

    async def first(event, community):
        seen.append(("first", community.id))
        return [Post(channel_id="general", content=Content(text=Text.of("one")))]

    async def second(event, community):
        seen.append(("second", community.id))
        return [Post(channel_id="general", content=Content(text=Text.of("two")))]

    dispatcher.subscribe(MessagePosted, first)
    dispatcher.subscribe(MessagePosted, second)
    results = await dispatcher.dispatch(message(t0))
    assert seen == [("first", "demo"), ("second", "demo")]
    assert [a.content.text.plain() for a in platform.actions] == ["one", "two"]
    assert all(r.ok for r in results)


async def test_a_failing_handler_is_logged_and_does_not_stop_the_others(settings, t0, caplog):
    dispatcher, platform = build(settings)

    async def broken(event, community):
        raise RuntimeError("boom")

    async def healthy(event, community):
        return [Post(channel_id="general", content=Content(text=Text.of("still here")))]

    dispatcher.subscribe(MessagePosted, broken)
    dispatcher.subscribe(MessagePosted, healthy)
    with caplog.at_level(logging.ERROR):
        await dispatcher.dispatch(message(t0))
    assert len(platform.actions) == 1
    assert "broken" in caplog.text and "boom" in caplog.text


async def test_a_failing_command_answers_the_caller_instead_of_silence(settings, t0):
    dispatcher, platform = build(settings)

    async def broken(event, community):
        raise RuntimeError("boom")

    dispatcher.subscribe(CommandInvoked, broken)
    event = CommandInvoked(
        platform=PlatformName.CONSOLE, space_id="console", event_id="c1", at=t0, member=ALICE,
        path=("help",), interaction=InteractionRef(PlatformName.CONSOLE, "i1"),
    )
    await dispatcher.dispatch(event)
    (answer,) = platform.of_type(Answer)
    assert answer.ephemeral
    assert "problème" in answer.content.text.plain()


async def test_edits_are_not_posts(settings, t0):
    dispatcher, _ = build(settings)
    kinds = []

    async def on_post(event, community):
        kinds.append("post")
        return []

    dispatcher.subscribe(MessagePosted, on_post)
    await dispatcher.dispatch(message(t0, kind=MessageEdited))
    assert kinds == []


def test_an_edit_is_not_a_post_and_a_removal_is_not_an_addition_even_to_isinstance(t0):
    """Handlers and tests may test an event's kind with isinstance: the kinds share fields, not ancestry."""
    edited = message(t0, kind=MessageEdited)
    assert isinstance(edited, MessageBase) and not isinstance(edited, MessagePosted)
    assert not isinstance(message(t0), MessageEdited)
    reaction = {"platform": PlatformName.CONSOLE, "space_id": "console", "event_id": "r1", "at": t0,
                "channel": ChannelRef("general"), "member": ALICE, "message_id": "m1", "emoji": "👍"}
    removed, added = ReactionRemoved(**reaction), ReactionAdded(**reaction)
    assert isinstance(removed, ReactionBase) and not isinstance(removed, ReactionAdded)
    assert not isinstance(added, ReactionRemoved)


async def test_a_subscription_to_a_shared_base_is_refused_since_it_would_never_run(settings):
    dispatcher, _ = build(settings)

    async def never(event, community):
        return []

    for base in (MessageBase, ReactionBase):
        with pytest.raises(TypeError, match="not an event of its own"):
            dispatcher.subscribe(base, never)


async def test_bots_and_the_bot_itself_are_ignored(settings, t0):
    dispatcher, _ = build(settings)
    calls = []

    async def handler(event, community):
        calls.append(event.member.id)
        return []

    dispatcher.subscribe(MessagePosted, handler)
    await dispatcher.dispatch(message(t0, "e1", Member(id="other", display_name="Other bot", is_bot=True)))
    await dispatcher.dispatch(message(t0, "e2", Member(id="bot", display_name="cmbot")))
    await dispatcher.dispatch(message(t0, "e3"))
    assert calls == ["alice"]


async def test_an_unclaimed_space_is_ignored_with_one_log_line(settings, t0, caplog):
    dispatcher, _platform = build(settings)
    calls = []

    async def handler(event, community):
        calls.append(1)
        return []

    dispatcher.subscribe(MessagePosted, handler)
    with caplog.at_level(logging.INFO):
        await dispatcher.dispatch(message(t0, "e1", space="elsewhere"))
        await dispatcher.dispatch(message(t0, "e2", space="elsewhere"))
    assert calls == []
    assert caplog.text.count("no community claims it") == 1


async def test_replayed_events_are_handled_once_even_after_a_restart(settings, store, t0):
    calls = []

    async def handler(event, community):
        calls.append(event.event_id)
        return []

    join = MemberJoined(platform=PlatformName.CONSOLE, space_id="console", event_id="join:alice:1", at=t0,
                        member=ALICE)
    dispatcher, _ = build(settings, store)
    dispatcher.subscribe(MemberJoined, handler)
    await dispatcher.dispatch(join)
    await dispatcher.dispatch(join)
    # a new dispatcher (a restart) forgets the in-memory ids but not the store's
    restarted, _ = build(settings, store)
    restarted.subscribe(MemberJoined, handler)
    await restarted.dispatch(join)
    later = MemberJoined(platform=PlatformName.CONSOLE, space_id="console", event_id="join:alice:2",
                         at=t0 + timedelta(days=1), member=ALICE)
    await restarted.dispatch(later)
    assert calls == ["join:alice:1", "join:alice:2"]


async def test_commands_check_roles_in_our_code(settings, t0):
    dispatcher, platform = build(settings)
    registry = CommandRegistry()
    registry.add(help_command(registry))
    ran = []

    async def secret(invocation):
        ran.append(invocation.event.member.id)
        return [invocation.answer("core.help_header")]

    registry.add(CommandSpec(path=("secret",), description_key="core.help_description", run=secret,
                             allowed=frozenset({Role.CM})))
    dispatcher.subscribe(CommandInvoked, CommandRouter(registry, Catalogue.shipped()))

    def invoke(member, event_id):
        return CommandInvoked(
            platform=PlatformName.CONSOLE, space_id="console", event_id=event_id, at=t0, member=member,
            path=("secret",), interaction=InteractionRef(PlatformName.CONSOLE, event_id),
        )

    await dispatcher.dispatch(invoke(ALICE, "c1"))
    await dispatcher.dispatch(invoke(Member(id="carla", display_name="Carla", roles=frozenset({"cm"})), "c2"))
    await dispatcher.dispatch(invoke(Member(id="root", display_name="Root", roles=frozenset({"admin"})), "c3"))
    assert ran == ["carla", "root"]
    refusal = platform.of_type(Answer)[0]
    assert refusal.ephemeral and "réservée" in refusal.content.text.plain()


async def test_then_hands_the_action_result_to_the_handler_and_carries_out_what_follows(settings, t0):
    dispatcher, platform = build(settings)
    seen = []

    async def after(result):
        seen.append(result.message_id)
        return [Post(channel_id="log", content=Content(text=Text.of(f"card {result.message_id}")))]

    async def handler(event, community):
        return [Then(Post(channel_id="queue", content=Content(text=Text.of("card"))), after)]

    dispatcher.subscribe(MessagePosted, handler)
    results = await dispatcher.dispatch(message(t0))
    posts = platform.of_type(Post)
    assert [p.channel_id for p in posts] == ["queue", "log"]
    assert seen == [results[0].message_id] and results[0].ok and len(results) == 2
    assert posts[1].content.text.plain() == f"card {seen[0]}"


async def test_stop_keeps_the_later_handlers_from_seeing_the_event_only_when_said(settings, t0):
    dispatcher, platform = build(settings)
    seen = []

    async def moderation(event, community):
        if event.text == "scam":
            return [Post(channel_id="queue", content=Content(text=Text.of("flag"))), STOP]
        return []

    async def engagement(event, community):
        seen.append(event.event_id)
        return []

    dispatcher.subscribe(MessagePosted, moderation)
    dispatcher.subscribe(MessagePosted, engagement)
    await dispatcher.dispatch(message(t0, "e1"))
    await dispatcher.dispatch(replace(message(t0, "e2"), text="scam"))
    assert seen == ["e1"]  # the scam went to the queue and stopped there
    assert [p.channel_id for p in platform.of_type(Post)] == ["queue"]


async def test_a_failing_follow_up_is_logged_and_an_interaction_still_gets_an_answer(settings, t0, caplog):
    dispatcher, platform = build(settings)

    async def after(result):
        raise RuntimeError("boom")

    async def handler(event, community):
        return [Then(Post(channel_id="queue", content=Content(text=Text.of("card"))), after)]

    dispatcher.subscribe(MessagePosted, handler)
    with caplog.at_level(logging.ERROR):
        await dispatcher.dispatch(message(t0))
    assert "failed after Post" in caplog.text
    assert len(platform.of_type(Post)) == 1 and not platform.of_type(Answer)  # no interaction: nothing more


async def test_an_observing_handler_costs_its_own_call_and_no_other(settings, t0):
    """Every event meets several handlers that only observe it (the engagement log, the feedback intake, the
    follow-ups): the dispatcher calls each from its loop, with no frame of its own per handler. Counted in
    Python calls (a profiler hook), which the machine's load does not move."""
    import sys

    async def observer(event, community):
        return ()

    async def calls_for(observers: int) -> int:
        dispatcher, _ = build(settings)
        for _ in range(observers):
            dispatcher.subscribe(MessagePosted, observer)
        await dispatcher.dispatch(message(t0, event_id="warm"))
        counted = 0

        def hook(frame, event, arg):
            nonlocal counted
            if event == "call":
                counted += 1

        sys.setprofile(hook)
        try:
            await dispatcher.dispatch(message(t0, event_id="counted"))
        finally:
            sys.setprofile(None)
        return counted

    one, four = await calls_for(1), await calls_for(4)
    assert four - one == 3  # one call per added handler: the handler itself
