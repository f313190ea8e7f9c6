"""Approval cards follow decisions on Slack, at the wire: the real Slack adapter (Socket Mode) against the fake.

The SMM drafts with `/cmbot post draft …`; the card with its buttons goes to the moderation channel (there is no
strategy channel); the CM's `/cmbot post approve 1` — a command, not a button — edits it (`chat.update`) to say who
approved it and when, with no buttons left.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.calendar import feature
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.calendar.conftest import START
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, SlackFake, command_payload
from tests.slack.harness import MODERATION, SLACK_TOML

CONFIG = SLACK_TOML.replace('cm = ["UCM"]', 'cm = ["UCM"], smm = ["USAM"]') + """
[communities.calendar]
approval_required = true
"""


@pytest.fixture
async def fake():
    slack = SlackFake()
    await slack.start()
    slack.add_user("USAM", "Sam")
    slack.add_user("UCM", "Claire")
    slack.add_channel("CGENERAL", "general")
    slack.add_channel("CMOD", "moderation")
    yield slack
    await slack.stop()


async def start(tmp_path, fake) -> App:
    settings = parse_settings(CONFIG, "cards-slack.toml")
    clock = SimulatedClock(START)
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, SteppedWakeups(clock), features=[feature])
    app.attach([SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                              settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                              api_base=fake.api_base)])
    await app.start()
    return app


async def test_approving_by_command_edits_the_card_and_removes_its_buttons(tmp_path, fake):
    app = await start(tmp_path, fake)
    try:
        draft = 'post draft body="Spring sale" to=#CGENERAL at="next thursday 9am"'
        await fake.send_socket("slash_commands", command_payload(draft, user_id="USAM",
                                                                 response_url=fake.response_url("d")))
        [answer] = await fake.wait_for(lambda: fake.responses)
        assert "waiting for a CM's approval" in str(answer), answer
        [card] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                              if c.args["channel"] == MODERATION])
        assert "cal:approve:1" in str(card.args.get("blocks"))
        await fake.send_socket("slash_commands", command_payload("post approve 1", user_id="UCM",
                                                                 response_url=fake.response_url("a")))
        [update] = await fake.wait_for(lambda: fake.calls_to("chat.update"))
        assert update.args["channel"] == MODERATION
        blocks = str(update.args.get("blocks"))
        assert "Approved by" in blocks and "cal:approve" not in blocks and "'actions'" not in blocks
    finally:
        await app.stop()


async def test_cmbot_post_alone_lists_its_subcommands(tmp_path, fake):
    app = await start(tmp_path, fake)
    try:
        await fake.send_socket("slash_commands", command_payload("post", user_id="USAM",
                                                                 response_url=fake.response_url("p")))
        [answer] = await fake.wait_for(lambda: fake.responses)
        assert answer["text"].startswith("The commands of /cmbot post:") and "/cmbot post draft — " in answer["text"]
    finally:
        await app.stop()


async def test_a_post_that_expires_without_a_decision_closes_its_card(tmp_path, fake):
    app = await start(tmp_path, fake)
    try:
        draft = 'post draft body="Winter sale" to=#CGENERAL at="tomorrow 10am"'
        await fake.send_socket("slash_commands", command_payload(draft, user_id="USAM",
                                                                 response_url=fake.response_url("d")))
        await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                              if c.args["channel"] == MODERATION])
        await app.services.wakeups.advance_to(app.services.clock.now() + timedelta(days=2))
        [update] = await fake.wait_for(lambda: fake.calls_to("chat.update"))
        assert update.args["channel"] == MODERATION
        blocks = str(update.args.get("blocks"))
        assert "Expired on" in blocks and "without a decision" in blocks and "Winter sale" in blocks
        assert "cal:approve" not in blocks and "'actions'" not in blocks
        assert [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "CGENERAL"] == []
    finally:
        await app.stop()
