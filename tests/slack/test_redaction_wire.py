"""At DEBUG, with the real slack-bolt and slack-sdk talking to the fake, no credential reaches the log: not the
bot or app token, not the signing secret, not a response URL (whoever holds one can post as the app)."""

from __future__ import annotations

from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, command_payload, form_body
from tests.redaction_capture import debug_log

FORM = "application/x-www-form-urlencoded"


async def test_tokens_secret_and_response_urls_are_masked_at_debug(http_bot):
    fake = http_bot.fake
    response_url = fake.response_url("private-key-of-this-answer")
    with debug_log((BOT_TOKEN, APP_TOKEN, SIGNING_SECRET)) as log:
        body = form_body(command_payload("ping", user_id="UADA", response_url=response_url))
        status, _ = await fake.post_signed(http_bot.platform.transport.url, body, content_type=FORM)
        await fake.wait_for(lambda: fake.responses)
        await http_bot.platform.idle()
        fake.queue_error("chat.postMessage", "not_in_channel")
        import logging

        logging.getLogger("bot.test").debug("a careless line: %s %s %s %s", BOT_TOKEN, APP_TOKEN, SIGNING_SECRET,
                                            response_url)
    output = log.getvalue()
    assert status == 200
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, "private-key-of-this-answer"):
        assert secret not in output, secret
    assert "a careless line: [redacted] [redacted] [redacted]" in output


async def test_refresh_and_user_tokens_are_masked_by_shape():
    from bot.logs import redact

    for token in ("xoxp-1234-5678-abcdefgh", "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4", "xoxe-1-My0xLTEyMzQ1Njc4OQ",
                  "xapp-1-A0123-456-abcdef"):
        assert "[redacted]" in redact(f"token={token}") and token not in redact(f"token={token}")
