"""Rate limits, Slack errors, bad tokens, a dead Socket Mode connection, message lookup, and secret-free logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import Content, DirectMessage, FindPost, Post, React, TimeoutMember
from bot.events import MessagePosted
from bot.platform import Capability, FatalPlatformError
from bot.text import Text
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, command_payload
from tests.slack.harness import GENERAL, build_harness


def post(text: str = "hello", key: str | None = None) -> Post:
    return Post(channel_id=GENERAL, content=Content(text=Text.of(text)), idempotency_key=key)


async def test_a_429_with_retry_after_is_retried_and_delivered_once(socket_bot):
    fake = socket_bot.fake
    fake.queue_rate_limit("chat.postMessage", retry_after=1)
    result = await socket_bot.platform.execute(post())
    assert result.ok and result.message_id
    # The fake refuses the method again until Retry-After has passed, so exactly two calls (the 429, then the
    # retry) means the wait was honoured; an early retry would have been a third call or a failure.
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert len(fake.messages) == 1


async def test_ok_false_is_a_logged_failed_result_and_the_bot_keeps_going(socket_bot, caplog):
    fake = socket_bot.fake
    fake.queue_error("chat.postMessage", "channel_not_found")
    with caplog.at_level(logging.ERROR, logger="bot.platforms.slack"):
        result = await socket_bot.platform.execute(post())
    assert not result.ok and result.permanent
    assert result.error == "chat.postMessage: channel_not_found"
    assert "chat.postMessage" in caplog.text and "channel_not_found" in caplog.text
    fake.queue_error("chat.postMessage", "internal_error")
    transient = await socket_bot.platform.execute(post())
    assert not transient.ok and not transient.permanent
    await fake.send_event({"type": "message", "user": "UADA", "text": "still here", "channel": GENERAL,
                           "ts": "1700000001.000100"})
    await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted))


async def test_a_failing_answer_inside_a_handler_does_not_crash_the_event(socket_bot, caplog):
    fake = socket_bot.fake
    fake.queue_error("chat.postMessage", "not_in_channel")
    with caplog.at_level(logging.WARNING):
        await fake.send_event({"type": "member_joined_channel", "user": "UADA", "channel": "CWELCOME"})
        await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
        await socket_bot.platform.idle()
    assert "not_in_channel" in caplog.text
    await fake.send_event({"type": "member_joined_channel", "user": "UBOB", "channel": "CWELCOME"})
    await fake.wait_for(lambda: fake.messages)


async def test_slack_cannot_time_out_and_says_so(socket_bot):
    platform = socket_bot.platform
    assert not platform.can(Capability.TIMEOUT)
    assert platform.can(Capability.MESSAGE_LOOKUP) and platform.can(Capability.MODALS)
    result = await platform.execute(TimeoutMember(member_id="UADA", duration=timedelta(minutes=5)))
    assert not result.ok and result.permanent


async def test_find_post_matches_the_idempotency_key_in_message_metadata(socket_bot):
    platform = socket_bot.platform
    since = datetime.now(UTC) - timedelta(days=1)
    posted = await platform.execute(post("scheduled", key="cal:7"))
    [call] = socket_bot.fake.calls_to("chat.postMessage")
    assert call.args["metadata"] == {"event_type": "cmbot_post", "event_payload": {"key": "cal:7"}}
    found = await platform.execute(FindPost(channel_id=GENERAL, idempotency_key="cal:7", since=since))
    assert found.ok and found.message_id == posted.message_id
    missing = await platform.execute(FindPost(channel_id=GENERAL, idempotency_key="cal:8", since=since))
    assert not missing.ok and missing.permanent and missing.error == "not found"


async def test_direct_message_opens_a_conversation_and_falls_back_when_impossible(socket_bot):
    fake = socket_bot.fake
    platform = socket_bot.platform
    result = await platform.execute(DirectMessage(member_id="UADA", content=Content(text=Text.of("hi"))))
    assert result.ok and result.channel_id == "DADA"
    fake.queue_error("conversations.open", "cannot_dm_bot")
    fallback = await platform.execute(DirectMessage(member_id="UBOT2", content=Content(text=Text.of("hi")),
                                                    fallback_channel_id=GENERAL))
    assert fallback.ok and fallback.channel_id == GENERAL


async def test_react_strips_colons_and_tolerates_an_existing_reaction(socket_bot):
    fake = socket_bot.fake
    result = await socket_bot.platform.execute(React(channel_id=GENERAL, message_id="1.2", emoji=":wave:"))
    assert result.ok and fake.calls_to("reactions.add")[0].args["name"] == "wave"
    fake.queue_error("reactions.add", "already_reacted")
    again = await socket_bot.platform.execute(React(channel_id=GENERAL, message_id="1.2", emoji="wave"))
    assert again.ok


async def test_a_refused_bot_token_is_fatal_with_exit_status_4(store, fake):
    fake.bot_token = "xoxb-another-token"
    with pytest.raises(FatalPlatformError) as refused:
        await build_harness(store, fake)
    assert refused.value.exit_status == 4


async def test_a_refused_app_token_is_fatal_with_exit_status_4(store, fake):
    fake.app_token = "xapp-another-token"
    with pytest.raises(FatalPlatformError) as refused:
        await build_harness(store, fake)
    assert refused.value.exit_status == 4


async def test_http_mode_without_a_signing_secret_is_refused(store, fake):
    with pytest.raises(FatalPlatformError) as refused:
        await build_harness(store, fake, http=True, signing_secret=None)
    assert "SLACK_SIGNING_SECRET" in str(refused.value)


async def test_the_watchdog_reconnects_a_dead_socket_mode_connection(socket_bot):
    fake = socket_bot.fake
    assert fake.connections == 1
    await fake.drop_socket()
    await fake.wait_for(lambda: fake.connections == 2)
    assert len(fake.calls_to("apps.connections.open")) >= 2
    await fake.send_event({"type": "message", "user": "UADA", "text": "after", "channel": GENERAL,
                           "ts": "1700000001.000100"})
    await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted))
    assert socket_bot.platform.transport.reconnections >= 1


async def test_a_disconnect_request_moves_the_app_to_a_new_connection(socket_bot):
    fake = socket_bot.fake
    await fake.send_disconnect()
    await fake.wait_for(lambda: fake.connections == 2)
    await fake.send_event({"type": "message", "user": "UADA", "text": "moved", "channel": GENERAL,
                           "ts": "1700000001.000100"})
    await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted))


async def test_debug_logging_never_prints_tokens_or_the_signing_secret(store, fake, caplog):
    with caplog.at_level(logging.DEBUG):
        bot = await build_harness(store, fake, watchdog_interval=0.05)
        await fake.send_event({"type": "message", "user": "UADA", "text": "x", "channel": GENERAL,
                               "ts": "1700000001.000100"})
        await bot.wait_handled(lambda e: isinstance(e, MessagePosted))
        await bot.platform.execute(post())
        await fake.send_socket("slash_commands", command_payload("ping", user_id="UADA",
                                                                 response_url=fake.response_url("secret-hook")))
        await fake.wait_for(lambda: fake.responses)
        await bot.platform.stop()
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, "verification-token", "secret-hook"):
        assert secret not in caplog.text
    assert BOT_TOKEN not in repr(bot.platform)


async def test_an_unreachable_web_api_at_start_is_a_clear_fatal_error():
    """Nothing listens on the port: the start fails with Slack's exit status and a readable message."""
    import socket

    from bot.commands import CommandRegistry
    from bot.i18n import Catalogue
    from bot.platform import FatalPlatformError
    from bot.platforms.slack import SlackPlatform
    from config.loader import load_settings

    with socket.socket() as probe:  # a port that was free a moment ago and that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    platform = SlackPlatform(bot_token="xoxb-test", app_token="xapp-test", signing_secret=None,
                             settings=load_settings(None), commands=CommandRegistry(),
                             catalogue=Catalogue.shipped(), api_base=f"http://127.0.0.1:{port}/api/")

    async def ignore(event) -> None:
        return None

    try:
        await platform.start(ignore)
    except FatalPlatformError as error:
        assert error.exit_status == 4 and "cannot reach Slack" in str(error)
    else:
        raise AssertionError("start should have failed")
    finally:
        await platform.stop()
