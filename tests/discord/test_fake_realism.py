"""cmbot against a Discord that behaves as the real one: resumed sessions replay what they missed (and sometimes
more), zombie connections, interactions that expire, history that pages."""

from __future__ import annotations

import logging

import discord

from bot.actions import Answer, Content, Post
from bot.events import InteractionRef, MessagePosted, PlatformName
from bot.middleware import DeduplicateEvents
from bot.outbox import Outbox
from bot.text import Text
from tests.discord.conftest import GUILD, Harness, Seen, build_dispatcher, build_registry
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import user


async def test_events_missed_while_disconnected_are_replayed_on_resume_and_counted_once(harness, store):
    fake = harness.fake
    harness.dispatcher.use(DeduplicateEvents(store))
    fake.replay_overlap = 1  # Discord delivers at least once: the last event seen comes again
    seen_first = fake.message("700", user("61", "Ada"), "before the cut", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", seen_first)
    await until(lambda: harness.seen.of(MessagePosted))

    await fake.drop_connections()
    missed = fake.message("700", user("62", "Bob"), "while away", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", missed)
    await fake.dispatch("MESSAGE_REACTION_ADD", {"user_id": "62", "channel_id": "700", "message_id": missed["id"],
                                                 "guild_id": GUILD, "emoji": {"id": None, "name": "👍"},
                                                 "type": 0, "burst": False, "burst_colors": []})
    await fake.wait_resumed()
    after = fake.message("700", user("61", "Ada"), "after the resume", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", after)
    await until(lambda: any(e.text == "after the resume" for e in harness.seen.of(MessagePosted)))

    texts = [e.text for e in harness.seen.of(MessagePosted)]
    assert texts == ["before the cut", "while away", "after the resume"]
    assert fake.resumes == 1


async def test_a_connection_whose_heartbeats_go_unanswered_is_replaced(fake, discord_settings):
    from tests.discord.conftest import make_platform

    fake.heartbeat_interval_ms = 50
    seen = Seen()
    registry = build_registry(seen)
    outbox = Outbox()
    dispatcher = build_dispatcher(discord_settings, registry, outbox, seen)
    platform = make_platform(fake, discord_settings, registry)
    platform.timings = type(platform.timings)(guild_ready=0.05, reidentify=0.0, heartbeat_timeout=0.5)
    platform._use(type(platform.client)(platform, platform.client.intents))
    outbox.attach(platform)
    await platform.start(dispatcher.dispatch)
    try:
        fake.heartbeat_acks = False  # a zombie connection: heartbeats sent, nothing comes back
        await fake.wait_resumed()
        fake.heartbeat_acks = True
        await fake.dispatch("MESSAGE_CREATE", fake.message("700", user("63", "Cy"), "still heard", guild_id=GUILD))
        await until(lambda: seen.of(MessagePosted))
    finally:
        await platform.stop()
    assert fake.resumes >= 1


async def test_an_interaction_answered_too_late_is_logged_once_and_not_retried(harness, caplog):
    caplog.set_level(logging.WARNING)
    fake = harness.fake
    payload = fake.command("ping", "64")
    fake.advance(4)  # Discord allows 3 s for the first answer
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for_request("POST", rf"/interactions/{payload['id']}/.+/callback")
    await harness.platform.listener.stop()  # let the interaction's task finish

    statuses = [status for method, path, status in fake.answers if "/callback" in path]
    assert statuses == [404]
    assert not any(status == 400 for _, _, status in fake.answers)  # never a second acknowledgement


async def test_an_answer_after_the_token_expired_is_a_permanent_failure(harness):
    fake = harness.fake
    payload = fake.command("announce", "65")  # deferred at once, so the answer goes through the webhook
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for_request("POST", r"/webhooks/\d+/.+")
    fake.advance(16 * 60)
    answer = Answer(interaction=InteractionRef(PlatformName.DISCORD, payload["id"]),
                    content=Content(text=Text.of("too late")))
    result = await harness.platform.execute(answer)
    assert (result.ok, result.permanent) == (False, True)
    assert "50027" in (result.error or "")


async def test_history_pages_with_limit_before_and_around(harness):
    fake, client = harness.fake, harness.platform.client
    for i in range(130):
        await harness.platform.execute(Post(channel_id="740", content=Content(text=Text.of(f"m{i}"))))
    channel = client.get_partial_messageable(740)
    everything = [m.content async for m in channel.history(limit=130)]
    pages = len(fake.requests_to("GET", r"/channels/740/messages"))
    middle = int(fake.channel_messages["740"][60]["id"])
    around = [m.content async for m in channel.history(limit=5, around=discord.Object(middle))]

    assert everything == [f"m{i}" for i in reversed(range(130))]
    assert pages == 2  # 100, then 30 before the oldest
    assert sorted(around) == sorted(f"m{i}" for i in range(58, 63))
    assert isinstance(harness, Harness)
