"""Ambassadors on Slack, through the real slack-bolt against the local slack: the candidate card is posted in the
strategy channel, a CM accepts, the member joins the ambassadors user group (usergroups.users.list, then
usergroups.users.update with the whole list), gets a thank-you DM, and the card is edited; `/cmbot ambassadors
remove=…` takes them out of the group, keeping the others."""

from __future__ import annotations

import json

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.ambassadors.wire import NOW, seed_helper
from tests.fakes.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM_ID,
    SlackFake,
    block_actions_payload,
    command_payload,
)

STRATEGY, HELP, GROUP = "CSTRAT", "CHELP", "SAMBASSADORS"
TOML = f"""
[[communities]]
id = "acme"
name = "Acme"
locale = "en"
timezone = "Europe/Paris"

[communities.slack]
space_id = "{TEAM_ID}"
channels = {{ strategy = "{STRATEGY}", help = ["{HELP}"] }}
roles = {{ cm = ["UCM"] }}

[communities.ambassadors]
slack_usergroup = "{GROUP}"
"""


@pytest.fixture
async def slack():
    server = SlackFake()
    await server.start()
    yield server
    await server.stop()


async def started(slack, tmp_path) -> App:
    settings = parse_settings(TOML, "t.toml")
    store = Store.open(tmp_path / "cmbot.db")
    clock = SimulatedClock(NOW)
    app = App(settings, store, clock, SteppedWakeups(clock), shipped_features())
    seed_helper(store.db, "acme", "slack", "UBOB", "UADA", HELP, "Bob *bold* <!channel>")
    platform = SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                             settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                             api_base=slack.api_base)
    app.attach([platform])
    await app.start()
    return app


def mrkdwn(blocks) -> list[str]:
    """Every mrkdwn text of a message's blocks (where Slack would read a mention)."""
    found: list[str] = []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    for block in blocks:
        for part in [block.get("text"), *(block.get("fields") or [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                found.append(part["text"])
    return found


async def posted_card(slack):
    """The candidate card posted to the strategy channel (the weekly report goes there too), and its ts."""
    [card] = await slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage")
                                          if c.args["channel"] == STRATEGY and "amb:accept" in str(c.args)])
    [message] = [m for m in slack.messages if "amb:accept" in str(m.blocks)]
    return card, message.ts


async def test_a_cm_accepts_on_slack_and_the_member_joins_the_user_group(slack, tmp_path):
    slack.add_usergroup(GROUP, ["UOLD"])
    app = await started(slack, tmp_path)
    try:
        card, ts = await posted_card(slack)
        # the name is inert: escaped in mrkdwn (plain_text headers never ping)
        assert "<!channel>" not in card.args["text"] and "Bob *bold* &lt;!channel&gt;" in card.args["text"]
        assert "<!channel>" not in str(mrkdwn(card.args["blocks"]))
        click = block_actions_payload("amb:accept:1", user_id="UCM", channel_id=STRATEGY, message_ts=ts,
                                      response_url=slack.response_url("accept"))
        await slack.send_socket("interactive", click)
        [update] = await slack.wait_for(lambda: slack.calls_to("usergroups.users.update"))
        assert update.args["usergroup"] == GROUP and slack.usergroups[GROUP] == ["UOLD", "UBOB"]
        assert slack.calls_to("usergroups.users.list")  # read before writing: Slack replaces the whole list
        await slack.wait_for(lambda: [c for c in slack.calls_to("conversations.open") if c.args["users"] == "UBOB"])
        [edit] = await slack.wait_for(lambda: slack.calls_to("chat.update"))
        assert edit.args["ts"] == ts and "amb:accept" not in str(edit.args.get("blocks"))
        answers = await slack.wait_for(lambda: [r for r in slack.responses if "ambassador" in r.get("text", "")])
        assert "Slack: role given." in answers[0]["text"]

        await slack.send_socket("slash_commands", command_payload("ambassadors remove=<@UBOB>", user_id="UCM",
                                                                 response_url=slack.response_url("remove")))
        await slack.wait_for(lambda: len(slack.calls_to("usergroups.users.update")) == 2)
        assert slack.usergroups[GROUP] == ["UOLD"]
    finally:
        await app.stop()


async def test_a_member_of_staff_cannot_be_given_what_a_member_cannot_accept(slack, tmp_path):
    """A member (not a CM) clicking Accept is refused, and nothing reaches the user group."""
    slack.add_usergroup(GROUP, ["UOLD"])
    app = await started(slack, tmp_path)
    try:
        _, ts = await posted_card(slack)
        await slack.send_socket("interactive", block_actions_payload(
            "amb:accept:1", user_id="UADA", channel_id=STRATEGY, message_ts=ts, response_url=slack.response_url("x")))
        [answer] = await slack.wait_for(lambda: slack.responses)
        assert "Only community managers" in answer["text"]
        assert slack.calls_to("usergroups.users.update") == [] and slack.usergroups[GROUP] == ["UOLD"]
    finally:
        await app.stop()
