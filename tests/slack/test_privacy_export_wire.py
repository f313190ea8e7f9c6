"""`/cmbot privacy export` on Slack: the member's data arrives as a JSON file in their DM, shared through Slack's
external upload (files.getUploadURLExternal, the bytes, files.completeUploadExternal) by the real slack_sdk."""

from __future__ import annotations

import json

from bot.actions import Content, DirectMessage, FileAttachment
from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.text import Text
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, command_payload
from tests.slack.harness import SLACK_TOML


async def test_privacy_export_shares_a_json_file_in_the_member_s_dm(tmp_path, fake):
    settings = parse_settings(SLACK_TOML, "slack-test.toml")
    clock = SimulatedClock()
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, SteppedWakeups(clock), shipped_features())
    services = app.services
    platform = SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                             settings=settings, commands=services.commands, catalogue=services.catalogue,
                             api_base=fake.api_base)
    app.attach([platform])
    await app.start()
    try:
        await fake.send_socket("slash_commands", command_payload("privacy export", user_id="UADA",
                                                                 response_url=fake.response_url("x")))
        [answer] = await fake.wait_for(lambda: fake.responses)
    finally:
        await app.stop()

    assert answer["response_type"] == "ephemeral" and "cmbot-export-" in answer["text"]
    [opened] = fake.calls_to("conversations.open")
    assert opened.args["users"] == "UADA"
    [message] = fake.calls_to("chat.postMessage")
    assert message.args["channel"] == "DADA" and "{" not in message.args["text"]  # words, not raw JSON
    [(filename, data)] = fake.uploaded("DADA")
    assert filename.startswith("cmbot-export-") and filename.endswith(".json")
    document = json.loads(data)
    assert document["accounts"] == ["slack:UADA"]
    assert fake.uploaded("C0001") == []  # nothing in a channel


async def test_a_file_that_does_not_arrive_fails_the_direct_message(socket_bot):
    fake = socket_bot.fake
    fake.queue_error("files.completeUploadExternal", "file_not_found")
    attached = FileAttachment("data.json", b"{}", "application/json")
    result = await socket_bot.platform.execute(
        DirectMessage(member_id="UADA", content=Content(text=Text.of("your data"), files=(attached,))))
    assert not result.ok and "file_not_found" in (result.error or "")
    assert len(fake.calls_to("chat.postMessage")) == 1  # the message was not sent again anywhere
