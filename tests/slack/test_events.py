"""Slack events over Socket Mode reach the core as events, and the core's answers reach the Web API."""

from __future__ import annotations

from bot.events import MemberJoined, MessageDeleted, MessageEdited, MessagePosted, ReactionAdded
from tests.slack.harness import GENERAL, WELCOME


def joined(user: str, channel: str) -> dict:
    return {"type": "member_joined_channel", "user": user, "channel": channel, "channel_type": "C",
            "team": "T0001", "event_ts": "1700000000.000100"}


def message(user: str, text: str, ts: str = "1700000001.000100", **extra) -> dict:
    return {"type": "message", "user": user, "text": text, "channel": GENERAL, "ts": ts,
            "event_ts": ts, "channel_type": "channel", **extra}


async def test_member_joining_the_welcome_channel_is_welcomed_through_chat_post_message(socket_bot):
    fake = socket_bot.fake
    ack = await fake.send_event(joined("UADA", WELCOME))
    assert "envelope_id" in ack
    calls = await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    assert calls[0].args["channel"] == WELCOME
    assert calls[0].args["text"] == "Welcome <@UADA> (Ada)"
    [event] = socket_bot.of_type(MemberJoined)
    assert event.member.display_name == "Ada" and event.space_id == "T0001"


async def test_joining_another_channel_is_not_joining_the_community(socket_bot):
    fake = socket_bot.fake
    await fake.send_event(joined("UADA", GENERAL))
    await fake.send_event(message("UADA", "marker"))
    await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted))
    await socket_bot.platform.idle()
    assert socket_bot.of_type(MemberJoined) == []
    assert fake.calls_to("chat.postMessage") == []


async def test_message_event_becomes_a_core_event_with_mentions_and_thread(socket_bot):
    fake = socket_bot.fake
    body = message("UADA", "hi <@UBOB> and <!subteam^S123|@mods> <!here>", ts="1700000002.000200",
                   thread_ts="1700000001.000100")
    await fake.send_event(body, event_id="EvMSG1")
    [event] = await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted))
    assert event.event_id == "EvMSG1"
    assert event.message_id == "1700000002.000200"
    assert event.thread_id == "1700000001.000100" and event.reply_to_id == "1700000001.000100"
    assert event.mentioned_user_ids == ("UBOB",)
    assert event.mentioned_role_ids == ("S123",)
    assert event.mentions_everyone is True
    assert event.member.id == "UADA" and event.member.display_name == "Ada"
    assert event.channel.id == GENERAL


async def test_edits_and_deletions_become_their_own_events_and_bot_messages_are_ignored(socket_bot):
    fake = socket_bot.fake
    await fake.send_event({"type": "message", "subtype": "bot_message", "bot_id": "B9", "text": "beep",
                           "channel": GENERAL, "ts": "1700000003.000100"})
    await fake.send_event({"type": "message", "subtype": "message_changed", "channel": GENERAL,
                           "ts": "1700000004.000100", "event_ts": "1700000004.000100",
                           "message": {"user": "UADA", "text": "new", "ts": "1700000001.000100"},
                           "previous_message": {"user": "UADA", "text": "old", "ts": "1700000001.000100"}})
    await fake.send_event({"type": "message", "subtype": "message_deleted", "channel": GENERAL,
                           "ts": "1700000005.000100", "deleted_ts": "1700000001.000100"})
    await socket_bot.wait_handled(lambda e: isinstance(e, MessageDeleted))
    await socket_bot.wait_handled(lambda e: isinstance(e, MessageEdited))
    await socket_bot.platform.idle()
    [edit] = socket_bot.of_type(MessageEdited)
    assert edit.text == "new" and edit.message_id == "1700000001.000100"
    [deleted] = socket_bot.of_type(MessageDeleted)
    assert deleted.message_id == "1700000001.000100"
    assert socket_bot.of_type(MessagePosted) == []


async def test_reactions_become_core_events(socket_bot):
    fake = socket_bot.fake
    await fake.send_event({"type": "reaction_added", "user": "UBOB", "reaction": "tada",
                           "item": {"type": "message", "channel": GENERAL, "ts": "1700000001.000100"},
                           "event_ts": "1700000006.000100"})
    [event] = await socket_bot.wait_handled(lambda e: isinstance(e, ReactionAdded))
    assert event.emoji == "tada" and event.message_id == "1700000001.000100" and event.member.id == "UBOB"


async def test_a_retried_event_is_handled_once(socket_bot):
    fake = socket_bot.fake
    await fake.send_event(joined("UADA", WELCOME), event_id="EvJOIN1")
    await fake.send_event(joined("UADA", WELCOME), event_id="EvJOIN1", retry_attempt=1)
    await fake.wait_for(lambda: [e for e in socket_bot.arrived if e.event_id == "EvJOIN1"][1:])
    await socket_bot.platform.idle()
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(socket_bot.of_type(MemberJoined)) == 1


async def test_member_text_with_broadcast_syntax_is_posted_escaped(socket_bot):
    fake = socket_bot.fake
    await fake.send_event(message("UADA", "!echo <!channel> & <!subteam^S1> <@UBOB>"))
    [call] = await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    text = call.args["text"]
    assert text == "&lt;!channel&gt; &amp; &lt;!subteam^S1&gt; &lt;@UBOB&gt;"
    assert "<" not in text and ">" not in text
