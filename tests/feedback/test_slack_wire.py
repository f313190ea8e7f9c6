"""The feedback inbox on Slack, through the real slack-bolt against the local fake (Socket Mode): `/cmbot
feedback` opens a modal with a static select for the kind, the card is Block Kit with its buttons, a CM
acknowledges, answers by DM and closes, and a CM's 📝 (`:memo:`) on a message takes it in with its author."""

from __future__ import annotations

import json

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.feedback import feature as feedback_feature
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.fakes.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM_ID,
    SlackFake,
    block_actions_payload,
    command_payload,
    view_submission_payload,
)

INBOX, GENERAL = "CINBOX", "CGENERAL"
TOML = f"""
[[communities]]
id = "acme"
name = "Acme"
locale = "en"

[communities.slack]
space_id = "{TEAM_ID}"
channels = {{ moderation = "CMOD", inbox = "{INBOX}", feedback = ["CFEEDBACK"] }}
roles = {{ cm = ["UCM"] }}
"""


@pytest.fixture
async def slack():
    fake = SlackFake()
    await fake.start()
    for user_id, name in (("UADA", "Ada"), ("UCM", "Claire")):
        fake.add_user(user_id, name)
    yield fake
    await fake.stop()


@pytest.fixture
async def running(slack, tmp_path):
    settings = parse_settings(TOML, "feedback-slack.toml")
    clock = SimulatedClock()
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, SteppedWakeups(clock), [feedback_feature])
    platform = SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                             settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                             api_base=slack.api_base)
    app.attach([platform])
    await app.start()
    yield app
    await app.stop()


def picked(values: dict[str, str], selects: dict[str, str]) -> dict:
    """A view submission whose `selects` are static selects, as Slack sends the chosen option."""
    payload = view_submission_payload("fb:new", values, user_id="UADA", channel_id=GENERAL)
    for key, value in selects.items():
        payload["view"]["state"]["values"][key] = {key: {"type": "static_select",
                                                         "selected_option": {"value": value}}}
    return payload


def action_ids(blocks: list) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_feedback_from_modal_to_card_to_answer_on_slack(slack, running):
    await slack.send_socket("slash_commands", command_payload(
        "feedback kind=praise", user_id="UADA", channel_id=GENERAL, response_url=slack.response_url("f")))
    [opened] = await slack.wait_for(lambda: slack.calls_to("views.open"))
    view = opened.args["view"]
    assert view["callback_id"] == "fb:new"
    kind = view["blocks"][0]["element"]
    assert kind["type"] == "static_select" and kind["initial_option"]["value"] == "praise"
    assert [o["value"] for o in kind["options"]] == ["idea", "bug", "praise", "complaint"]

    hostile = "Love it <!channel> @here & <https://evil.example|click>"
    await slack.send_socket("interactive", picked({"text": hostile}, {"kind": "praise"}))
    [thanks] = await slack.wait_for(lambda: slack.calls_to("chat.postEphemeral"))
    assert thanks.args["user"] == "UADA" and "#1" in thanks.args["text"]
    [card] = await slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage")
                                           if c.args["channel"] == INBOX])
    blocks = card.args["blocks"]
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown and "&amp;" in shown
    assert action_ids(blocks) == ["fb:ack:1", "fb:answer:1", "fb:done:1"]
    card_ts = slack.messages[-1].ts

    await slack.send_socket("interactive", block_actions_payload(
        "fb:ack:1", user_id="UADA", channel_id=INBOX, message_ts=card_ts, response_url=slack.response_url("a")))
    refused = await slack.wait_for(lambda: [r for r in slack.responses if "community managers" in r["text"]])
    assert refused[0]["response_type"] == "ephemeral"

    await slack.send_socket("interactive", block_actions_payload(
        "fb:ack:1", user_id="UCM", channel_id=INBOX, message_ts=card_ts, response_url=slack.response_url("b")))
    [update] = await slack.wait_for(lambda: slack.calls_to("chat.update"))
    assert update.args["ts"] == card_ts and action_ids(update.args["blocks"]) == ["fb:answer:1", "fb:done:1"]

    await slack.send_socket("interactive", block_actions_payload(
        "fb:answer:1", user_id="UCM", channel_id=INBOX, message_ts=card_ts, response_url=slack.response_url("c")))
    await slack.wait_for(lambda: len(slack.calls_to("views.open")) == 2)
    answer = view_submission_payload("fb:answer:1", {"answer": "Thank you, Ada!"}, user_id="UCM",
                                     channel_id=INBOX)
    await slack.send_socket("interactive", answer)
    [dm] = await slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage")
                                         if c.args["channel"] == "DADA"])
    assert "<@UADA>" in dm.args["text"] and "Thank you, Ada!" in dm.args["text"]

    await slack.send_socket("interactive", block_actions_payload(
        "fb:done:1", user_id="UCM", channel_id=INBOX, message_ts=card_ts, response_url=slack.response_url("d")))
    await slack.wait_for(lambda: len(slack.calls_to("chat.update")) >= 3)
    assert action_ids(slack.calls_to("chat.update")[-1].args["blocks"]) == []


async def test_a_cm_mark_on_slack_takes_the_message_and_its_author(slack, running):
    # the default mark is 📝, which Slack names `memo`
    await slack.send_event({"type": "reaction_added", "user": "UCM", "reaction": "memo", "item_user": "UADA",
                            "item": {"type": "message", "channel": GENERAL, "ts": "1700000001.000100"},
                            "event_ts": "1700000002.000100"})
    [card] = await slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage")
                                           if c.args["channel"] == INBOX])
    shown = json.dumps(card.args["blocks"])
    assert "UADA" in shown and "p1700000001000100" in shown


async def test_the_team_lists_the_inbox_on_slack_page_by_page(slack, running):
    for n in range(11):
        await slack.send_socket("interactive", picked({"text": f"Idea {n} <!channel>"}, {"kind": "idea"}))
    await slack.wait_for(lambda: len([c for c in slack.calls_to("chat.postMessage")
                                      if c.args["channel"] == INBOX]) == 11)
    await slack.send_socket("slash_commands", command_payload(
        "inbox", user_id="UCM", channel_id=GENERAL, response_url=slack.response_url("list")))
    [listed] = await slack.wait_for(lambda: [r for r in slack.responses if r["key"] == "list"])
    text = listed["text"]
    assert listed["response_type"] == "ephemeral"
    assert "Feedback inbox, not closed: 11 items" in text and "#1 · 💡 Idea · to handle" in text
    assert "#10 ·" in text and "#11 ·" not in text and "Next: /cmbot inbox page=2" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text  # a member's words stay inert
    await slack.send_socket("slash_commands", command_payload(
        "inbox page=2", user_id="UCM", channel_id=GENERAL, response_url=slack.response_url("next")))
    [second] = await slack.wait_for(lambda: [r for r in slack.responses if r["key"] == "next"])
    assert "#11 · 💡 Idea" in second["text"] and "Page 2 of 2." in second["text"]
