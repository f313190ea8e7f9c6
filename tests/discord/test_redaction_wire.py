"""At DEBUG, with the real discord.py talking to the fake, no credential reaches the log: not the bot token,
not an interaction token, whether on its own or inside a webhook or callback URL."""

from __future__ import annotations

import re

from tests.redaction_capture import debug_log


async def test_interaction_tokens_and_webhook_urls_are_masked_at_debug(harness):
    fake = harness.fake
    with debug_log((fake.token,)) as log:
        payload = fake.command("announce", "45")  # deferred, then a follow-up webhook and a deletion
        await fake.dispatch("INTERACTION_CREATE", payload)
        await fake.wait_for_request("DELETE", rf"/webhooks/\d+/{re.escape(payload['token'])}/messages/@original")
        await fake.wait_for_request("POST", rf"/interactions/{payload['id']}/.+/callback")
    output = log.getvalue()
    assert "/webhooks/" in output or "/interactions/" in output  # discord.py did log the URLs at DEBUG
    assert payload["token"] not in output
    assert fake.token not in output
    assert "[redacted]" in output
