"""Bounded retries against Discord: discord.py's own retries (five tries on 429 and 5xx) are the only ones, a
`Retry-After` is honoured only up to the delivery's deadline, and the result says when the library already
retried so the caller does not multiply the requests."""

from __future__ import annotations

from bot.actions import Content, Post
from bot.deadline import within
from bot.text import Text

MESSAGES = r"/channels/730/messages"


def post() -> Post:
    return Post(channel_id="730", content=Content(text=Text.of("news")), idempotency_key="cal:1:0")


async def test_a_429_storm_costs_discord_pys_five_tries_and_is_reported_as_retried(harness):
    harness.fake.storm("POST", MESSAGES, 429, {"message": "You are being rate limited.", "retry_after": 0.01,
                                               "global": False})
    with within(60):
        result = await harness.platform.execute(post())

    assert (result.ok, result.permanent, result.retried) == (False, False, True)
    assert len(harness.fake.requests_to("POST", MESSAGES)) == 5


async def test_retry_after_is_honoured_only_up_to_the_deadline(harness):
    harness.fake.storm("POST", MESSAGES, 429, {"message": "slow down", "retry_after": 3600, "global": False})
    with within(0.2):
        result = await harness.platform.execute(post())

    assert (result.ok, result.error, result.retried) == (False, "deadline reached", True)
    assert len(harness.fake.requests_to("POST", MESSAGES)) == 1  # the hour was not waited out


async def test_a_5xx_storm_ends_at_the_deadline_with_one_report(harness):
    harness.fake.storm("POST", MESSAGES, 502, {"message": "bad gateway", "code": 0})
    with within(0.3):  # discord.py waits a second before its second try: the deadline comes first
        result = await harness.platform.execute(post())

    assert (result.ok, result.error, result.retried) == (False, "deadline reached", True)
    assert len(harness.fake.requests_to("POST", MESSAGES)) == 1


async def test_a_short_storm_is_ridden_out_and_the_post_is_delivered_once(harness):
    harness.fake.storm("POST", MESSAGES, 429, {"message": "slow down", "retry_after": 0.01, "global": False},
                       times=2)
    with within(60):
        result = await harness.platform.execute(post())

    assert result.ok
    assert len(harness.fake.requests_to("POST", MESSAGES)) == 3
    assert len(harness.fake.channel_messages["730"]) == 1


async def test_a_503_that_discord_py_does_not_retry_is_left_to_the_callers_backoff(harness):
    harness.fake.storm("POST", MESSAGES, 503, {"message": "unavailable", "code": 0})
    with within(60):
        result = await harness.platform.execute(post())

    assert (result.ok, result.permanent, result.retried) == (False, False, False)
    assert len(harness.fake.requests_to("POST", MESSAGES)) == 1
