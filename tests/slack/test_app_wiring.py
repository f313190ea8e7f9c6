"""The whole bot (every shipped feature, the app's own wiring) served by the real Slack adapter and the fake."""

from __future__ import annotations

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, command_payload
from tests.slack.harness import SLACK_TOML, WELCOME


async def test_the_app_welcomes_a_slack_member_and_answers_cmbot_help(tmp_path, fake):
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
        assert platform.bot_user_id in app.ignore_bots.own_ids
        await fake.send_event({"type": "member_joined_channel", "user": "UADA", "channel": WELCOME})
        [welcome] = await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
        assert welcome.args["channel"] == WELCOME and "<@UADA>" in welcome.args["text"]
        await fake.send_socket("slash_commands", command_payload("help", user_id="UADA",
                                                                 response_url=fake.response_url("h")))
        [answer] = await fake.wait_for(lambda: fake.responses)
        assert answer["response_type"] == "ephemeral" and "/cmbot help" in answer["text"]
    finally:
        await app.stop()
