"""The moderation queue on Slack at the wire: the real Slack adapter (Socket Mode), the local fake, the App."""

from __future__ import annotations

import pytest
import sqlite_utils

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.moderation import feature
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.discord.test_wire_events import until
from tests.fakes.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackFake,
    block_actions_payload,
    message_shortcut_payload,
)
from tests.slack.harness import GENERAL, MODERATION, SLACK_TOML


@pytest.fixture
async def fake():
    slack = SlackFake()
    await slack.start()
    slack.add_user("UADA", "Ada")
    slack.add_user("UBOB", "Bob")
    yield slack
    await slack.stop()


async def start_app(tmp_path, fake: SlackFake) -> App:
    settings = parse_settings(SLACK_TOML, "slack-test.toml")
    clock = SimulatedClock()
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, SteppedWakeups(clock), features=[feature])
    platform = SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                             settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                             api_base=fake.api_base)  # fmt: skip
    app.attach([platform])
    await app.start()
    return app


def flags(tmp_path) -> list[dict]:
    db = sqlite_utils.Database(tmp_path / "cmbot.db")
    try:
        return list(db["moderation_flags"].rows_where(order_by="id"))
    finally:
        db.conn.close()


async def test_flag_card_and_warn_button_on_slack(tmp_path, fake):
    app = await start_app(tmp_path, fake)
    try:
        await fake.send_event({"type": "message", "user": "UADA", "text": "you are a b1tch <!channel>",
                               "channel": GENERAL, "ts": "1700000001.000100", "channel_type": "channel"})  # fmt: skip
        [card] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                              if c.args["channel"] == MODERATION])  # fmt: skip
        assert "mod:warn:1" in str(card.args.get("blocks"))
        assert "<!channel>" not in str(card.args)  # the member's mass ping is shown inert in the queue
        stored = {**flags(tmp_path)[0], "card_message_id": [m for m in fake.messages if m.channel == MODERATION][-1].ts}
        # the flag was stored before its card was posted; the card's reference goes with the next store trip
        assert {"terms", "mentions"} <= set(stored["rules"].split(","))  # and the models may agree
        assert "mod:timeout:1" not in str(card.args.get("blocks"))  # Slack cannot time a member out

        card_ts = stored["card_message_id"]
        click = block_actions_payload("mod:warn:1", user_id="UCM", channel_id=MODERATION, message_ts=card_ts,
                                      response_url=fake.response_url("w"))  # fmt: skip
        await fake.send_socket("interactive", click)
        [dm] = await fake.wait_for(lambda: fake.calls_to("conversations.open"))
        assert dm.args["users"] == "UADA"
        await fake.wait_for(lambda: fake.calls_to("chat.update"))
        await until(lambda: flags(tmp_path)[0]["status"] == "warned")
        assert flags(tmp_path)[0]["decided_by"] == "UCM"
    finally:
        await app.stop()


async def test_report_shortcut_on_slack_keeps_the_reporter_private(tmp_path, fake):
    app = await start_app(tmp_path, fake)
    try:
        payload = message_shortcut_payload(user_id="UBOB", channel_id=GENERAL, message_ts="1700000005.000100",
                                           author_id="UADA", text="nasty words",
                                           response_url=fake.response_url("r"))  # fmt: skip
        await fake.send_socket("interactive", payload)
        [card] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                              if c.args["channel"] == MODERATION])  # fmt: skip
        assert "UBOB" not in str(card.args) and "Bob" not in str(card.args)
        await until(lambda: flags(tmp_path) and flags(tmp_path)[0]["reporter_id"] == "UBOB")
        assert flags(tmp_path)[0]["member_id"] == "UADA" and flags(tmp_path)[0]["source"] == "report"
    finally:
        await app.stop()
