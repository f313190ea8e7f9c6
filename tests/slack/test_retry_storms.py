"""Bounded retries against Slack: the Web client's rate-limit handler (three retries) is the only one on 429,
a `Retry-After` is honoured only up to the deadline, a 5xx is not retried by the library (the caller's own
backoff, bounded by its deadline, is the only retry), and the result says which happened."""

from __future__ import annotations

from bot.actions import Content, Post
from bot.deadline import within
from bot.text import Text
from tests.slack.harness import GENERAL


def post() -> Post:
    return Post(channel_id=GENERAL, content=Content(text=Text.of("news")), idempotency_key="cal:1:0")


async def test_a_429_storm_costs_the_clients_three_retries_and_is_reported_as_retried(socket_bot):
    fake = socket_bot.fake
    fake.storm("chat.postMessage", status=429, retry_after=0)
    with within(60):
        result = await socket_bot.platform.execute(post())

    assert (result.ok, result.permanent, result.retried) == (False, False, True)
    assert "ratelimited" in (result.error or "")
    assert len(fake.calls_to("chat.postMessage")) == 4


async def test_retry_after_is_honoured_only_up_to_the_deadline(socket_bot):
    fake = socket_bot.fake
    fake.storm("chat.postMessage", status=429, retry_after=3600)
    with within(0.2):
        result = await socket_bot.platform.execute(post())

    assert (result.ok, result.error, result.retried) == (False, "deadline reached", True)
    assert len(fake.calls_to("chat.postMessage")) == 1


async def test_a_5xx_is_one_request_and_left_to_the_callers_bounded_backoff(socket_bot):
    fake = socket_bot.fake
    fake.storm("chat.postMessage", status=503)
    with within(60):
        result = await socket_bot.platform.execute(post())

    assert (result.ok, result.permanent, result.retried) == (False, False, False)
    assert len(fake.calls_to("chat.postMessage")) == 1


async def test_a_short_storm_is_ridden_out_and_the_post_is_delivered_once(socket_bot):
    fake = socket_bot.fake
    fake.storm("chat.postMessage", status=429, retry_after=0, times=1)
    with within(60):
        result = await socket_bot.platform.execute(post())

    assert result.ok
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert len([m for m in fake.messages if m.channel == GENERAL]) == 1
