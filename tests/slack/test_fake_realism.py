"""cmbot against a Slack that answers as the real one does: refusals with their error codes, tiers, paging."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.actions import Content, FindPost, Post
from bot.events import MessagePosted
from bot.text import Text
from tests.slack.harness import GENERAL


async def test_not_in_channel_is_a_permanent_failure_with_slacks_code_in_one_log_line(socket_bot, caplog):
    socket_bot.fake.add_channel("CNOTJOINED", "elsewhere", member=False)
    result = await socket_bot.platform.execute(Post(channel_id="CNOTJOINED", content=Content(text=Text.of("hi"))))

    assert (result.ok, result.permanent, result.error) == (False, True, "chat.postMessage: not_in_channel")
    assert "Slack chat.postMessage failed: not_in_channel" in caplog.text


async def test_a_text_past_slacks_limit_is_cut_so_slack_never_answers_msg_too_long(socket_bot):
    result = await socket_bot.platform.execute(Post(channel_id=GENERAL, content=Content(text=Text.of("x" * 50_000))))

    assert result.ok
    [call] = socket_bot.fake.calls_to("chat.postMessage")
    assert len(call.args["text"]) <= 40_000


async def test_a_message_from_a_user_slack_does_not_know_is_still_handled(socket_bot, caplog):
    caplog.set_level(logging.WARNING)
    await socket_bot.fake.send_event({"type": "message", "user": "UGONE", "text": "still here", "channel": GENERAL,
                                      "ts": "1700000002.000100"})
    [event] = await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted))

    assert event.member.id == "UGONE" and event.text == "still here"
    assert "users.info failed for UGONE: user_not_found" in caplog.text


async def test_find_post_pages_through_history_to_an_older_post(socket_bot):
    fake, platform = socket_bot.fake, socket_bot.platform
    since = datetime.now(UTC) - timedelta(minutes=5)
    await platform.execute(Post(channel_id=GENERAL, content=Content(text=Text.of("the post")),
                                idempotency_key="cal:7:0"))
    for i in range(250):  # newer chatter: the post is on history's second page
        await platform.execute(Post(channel_id=GENERAL, content=Content(text=Text.of(f"chat {i}"))))
    found = await platform.execute(FindPost(channel_id=GENERAL, idempotency_key="cal:7:0", since=since))

    assert found.ok and found.message_id == fake.messages[0].ts
    assert len(fake.calls_to("conversations.history")) == 2


async def test_a_burst_of_members_stays_within_slacks_tiers(socket_bot):
    fake = socket_bot.fake
    fake.enforce_tiers = True
    for i in range(30):
        fake.add_user(f"UNEW{i}", f"Newcomer {i}")
        await fake.send_event({"type": "message", "user": f"UNEW{i}", "text": f"hello {i}", "channel": GENERAL,
                               "ts": f"1700000003.{i:06d}"})
    await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted) and e.text == "hello 29")
    await socket_bot.platform.idle()

    assert len([e for e in socket_bot.handled if isinstance(e, MessagePosted)]) == 30
    assert len(fake.calls_to("usergroups.list")) <= 1  # cached: tier 2 allows 20 a minute
    assert len(fake.calls_to("users.info")) == 30  # tier 4 allows 100 a minute


async def test_events_carry_authorizations_and_event_context_as_slacks_do(socket_bot):
    body = socket_bot.fake.event_body({"type": "message", "user": "UADA", "text": "x", "channel": GENERAL,
                                       "ts": "1700000004.000100"})
    assert body["authorizations"][0]["user_id"] == socket_bot.platform.bot_user_id
    assert body["event_context"]
    await socket_bot.fake.send_socket("events_api", body)
    await socket_bot.wait_handled(lambda e: isinstance(e, MessagePosted) and e.text == "x")


async def test_the_fake_answers_429_past_a_methods_tier(fake):
    import pytest
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    from tests.fakes.slack_fake import BOT_TOKEN

    fake.enforce_tiers = True
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_base, retry_handlers=[])
    for _ in range(20):
        await client.usergroups_list()
    with pytest.raises(SlackApiError) as refused:
        await client.usergroups_list()
    assert refused.value.response.status_code == 429
    assert int(refused.value.response.headers["Retry-After"]) > 0
    await client.session.close() if client.session else None


async def test_an_envelope_a_dying_socket_left_unacknowledged_comes_again_on_the_next_connection(fake):
    """The app's client reconnects when its pings go unanswered (a loaded machine can cause it): like Slack, the
    fake sends again what the closed socket never acknowledged, instead of losing it and hanging the test."""
    import asyncio

    import aiohttp

    url = fake._m_apps_connections_open({})["url"]
    async with aiohttp.ClientSession() as session:
        first = await session.ws_connect(url)
        assert (await first.receive_json())["type"] == "hello"
        sending = asyncio.create_task(fake.send_socket("events_api", fake.event_body({
            "type": "message", "user": "UADA", "text": "hi", "channel": "C1", "ts": "1700000001.000100"})))
        lost = await first.receive_json()
        await first.close()  # gone before its acknowledgement
        second = await session.ws_connect(url)
        assert (await second.receive_json())["type"] == "hello"
        again = await second.receive_json()
        assert again["envelope_id"] == lost["envelope_id"] and again["payload"] == lost["payload"]
        assert (lost["retry_attempt"], again["retry_attempt"], again["retry_reason"]) == (0, 1, "timeout")
        await second.send_json({"envelope_id": again["envelope_id"]})
        assert (await sending) == {"envelope_id": again["envelope_id"]}
        await second.close()

