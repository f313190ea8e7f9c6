"""Slack over HTTP: size, timestamp and signature are checked on the raw bytes before anything parses them.

Each refusal is a 4xx with one log line that names the reason and never the body; nothing reaches a listener.
"""

from __future__ import annotations

import json
import logging
import time

import aiohttp
import pytest

from bot.platforms.slack.http_gate import MAX_BODY
from tests.fakes.slack_fake import command_payload, form_body, interactive_form
from tests.slack.harness import GENERAL

FORM = "application/x-www-form-urlencoded"
SECRET_SHAPES = ("verification-token", "/commands/T", "attacker", "Traceback")


def url_of(bot) -> str:
    return bot.platform.transport.url


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def assert_quiet(caplog) -> None:
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for shape in SECRET_SHAPES:
        assert shape not in text, shape
    assert not any(r.exc_info for r in caplog.records)


async def test_malformed_bodies_get_4xx_with_no_traceback_and_no_body_in_the_log(http_bot, all_logs):
    fake, url = http_bot.fake, url_of(http_bot)
    payload = {"token": "verification-token", "response_url": fake.response_url("attacker")}
    cases = {
        "signed malformed JSON": dict(body='{"type": "event_callback", "attacker', content_type="application/json"),
        "signed JSON that is not an object": dict(body='["attacker"]', content_type="application/json"),
        "a form body sent as JSON": dict(body=form_body(command_payload("ping", user_id="UADA",
                                                                        response_url=fake.response_url("attacker"))),
                                         content_type="application/json"),
        "a bad interactive payload": dict(body="payload=%7Battacker&token=verification-token", content_type=FORM),
        "an interactive payload that is not an object": dict(body=interactive_form(["attacker"]), content_type=FORM),
        "a form that is nothing Slack sends": dict(body="attacker=1&token=verification-token", content_type=FORM),
        "an unexpected content type": dict(body=json.dumps(payload), content_type="text/plain"),
    }
    statuses = {name: (await fake.post_signed(url, **case))[0] for name, case in cases.items()}
    unsigned = await fake.post_signed(url, '{"attacker', content_type="application/json", secret="wrong")
    not_a_number = await fake.post_signed(url, json.dumps(payload), headers={"X-Slack-Request-Timestamp": "1e9"})

    assert all(400 <= status < 500 for status in statuses.values()), statuses
    assert (unsigned[0], not_a_number[0]) == (401, 401)
    await http_bot.platform.idle()
    assert http_bot.arrived == [] and fake.responses == []
    assert_quiet(all_logs)


async def test_a_body_past_the_limit_gets_413_before_it_is_read(http_bot, all_logs):
    body = b"x" * (MAX_BODY + 1)
    async with aiohttp.ClientSession() as session, session.post(url_of(http_bot), data=body, headers={
            "Content-Type": "application/json", "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": http_bot.fake.sign(body.decode(), int(time.time()))}) as answer:
        assert answer.status == 413
    assert_quiet(all_logs)


async def test_a_body_that_is_not_utf8_is_refused(http_bot):
    fake = http_bot.fake
    stamp = int(time.time())
    raw = b'{"type": "\xff"}'
    async with aiohttp.ClientSession() as session, session.post(url_of(http_bot), data=raw, headers={
            "Content-Type": "application/json", "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": fake.sign(raw.decode("latin-1"), stamp)}) as answer:
        assert answer.status == 400


async def test_a_replayed_request_changes_nothing(http_bot):
    fake, url = http_bot.fake, url_of(http_bot)
    stamp = int(time.time())
    body = json.dumps(fake.event_body({"type": "message", "user": "UADA", "text": "!echo once", "channel": GENERAL,
                                       "ts": "1700000000.000100"}, "EvREPLAY"))
    first = await fake.post_signed(url, body, timestamp=stamp)
    again = await fake.post_signed(url, body, timestamp=stamp)
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    await http_bot.platform.idle()

    assert (first[0], again[0]) == (200, 200)
    assert len(fake.calls_to("chat.postMessage")) == 1


async def test_slack_bolts_verification_logger_never_prints_a_body(http_bot, all_logs):
    for name in ("slack_bolt.AsyncRequestVerification", "slack_bolt.RequestVerification"):
        logging.getLogger(name).info("rejected body: token=verification-token attacker")
    assert_quiet(all_logs)
