"""An acknowledgement that comes after Slack's 3 seconds: Slack delivers the event again (over HTTP with
`X-Slack-Retry-Num: 1` and `X-Slack-Retry-Reason: http_timeout`, in Socket Mode with `retry_attempt: 1`) while
the first delivery is still being handled. The retry waits for that handling and is acknowledged with it; the
event is handled once: one welcome.

The fake's acknowledgement window is compressed (0.2 s for Slack's 3 s), and the handling is held back by a
handler that waits for the retry to arrive, so the acknowledgement is late by construction, not by timing.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.events import MemberJoined
from tests.patience import PATIENCE
from tests.slack.harness import WELCOME, build_harness

ACK_WINDOW = 0.2  # Slack's 3 s, compressed
RETRIES = (0.0, 60.0, 300.0)  # at once, then a minute and five minutes later: only the first is ever needed


@pytest.mark.parametrize("transport", ["http", "socket"])
async def test_an_event_acknowledged_late_is_delivered_again_and_handled_once(transport, store, fake):
    bot = await build_harness(store, fake, http=transport == "http")
    try:
        await deliver_late_and_check(bot, fake, transport)
    finally:
        await bot.platform.stop()


async def deliver_late_and_check(bot, fake, transport: str) -> None:
    retry_arrived = asyncio.Event()

    async def slow(event: MemberJoined, community) -> list:
        """Held until Slack has given up on the first delivery and sent the retry."""
        async with asyncio.timeout(PATIENCE):
            await retry_arrived.wait()
        return []

    bot.dispatcher.subscribe(MemberJoined, slow)
    body = fake.event_body({"type": "member_joined_channel", "user": "UADA", "channel": WELCOME,
                            "event_ts": "1700000000.000100"}, "EvLATE1")

    async def watch_for_the_retry() -> None:
        while len([e for e in bot.arrived if e.event_id == "EvLATE1"]) < 2:
            await asyncio.sleep(0.01)  # a bounded poll: the retry has reached the core's middleware
        retry_arrived.set()

    watcher = asyncio.ensure_future(asyncio.wait_for(watch_for_the_retry(), PATIENCE))
    if transport == "http":
        outcome = await fake.deliver_http(bot.platform.transport.url, body, ack_timeout=ACK_WINDOW,
                                          retry_delays=RETRIES)
    else:
        outcome = await fake.deliver_socket(body, ack_timeout=ACK_WINDOW, retry_delays=RETRIES)
    await watcher
    await bot.platform.idle()

    if transport == "http":
        assert outcome == [None, 200]  # no answer in time, then the retry acknowledged
        retry = [r for r in fake.http_deliveries if r.get("X-Slack-Retry-Num")]
        assert [(r["X-Slack-Retry-Num"], r["X-Slack-Retry-Reason"]) for r in retry] == [("1", "http_timeout")]
    else:
        assert outcome == 2  # the second delivery (retry_attempt 1) was acknowledged
    assert [e.event_id for e in bot.arrived] == ["EvLATE1", "EvLATE1"]  # delivered twice
    assert [e.event_id for e in bot.of_type(MemberJoined)] == ["EvLATE1"]  # handled once
    welcomes = [json.dumps(c.args) for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == WELCOME]
    assert len(welcomes) == 1 and "UADA" in welcomes[0]
