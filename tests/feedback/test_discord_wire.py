"""The feedback inbox on Discord, through the real discord.py against the local fake: `/feedback` opens a
modal with a select for the kind, the card reaches the inbox channel with its buttons, a CM acknowledges,
answers by DM (or in the channel when DMs are closed) and closes; a stale click is explained; a CM's 📝 on a
message takes it into the inbox with its author."""

from __future__ import annotations

import re

import pytest

from bot.app import App
from bot.clock import SystemClock
from bot.features.feedback import feature as feedback_feature
from bot.store import Store
from bot.wakeups import SchedulerWakeups
from config.loader import parse_settings
from tests.discord.conftest import CM_ROLE, GUILD, make_platform
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import user

INBOX, FEEDBACK_CHANNEL, GENERAL = "703", "704", "700"
MODAL, EPHEMERAL = 9, 1 << 6
TOML = f"""
[[communities]]
id = "brand"
name = "Brand"
locale = "en"

[communities.discord]
space_id = "{GUILD}"
roles = {{ cm = ["{CM_ROLE}"] }}
channels = {{ moderation = "702", inbox = "{INBOX}", feedback = ["{FEEDBACK_CHANNEL}"] }}
"""


@pytest.fixture
async def running(fake, tmp_path):
    for channel, name in ((INBOX, "inbox"), (FEEDBACK_CHANNEL, "feedback"), (GENERAL, "general")):
        fake.add_channel(channel, name)
    settings = parse_settings(TOML, "feedback.toml")
    app = App(settings, Store.open(tmp_path / "cmbot.db"), SystemClock(), SchedulerWakeups(),
              features=[feedback_feature])
    platform = make_platform(fake, settings, app.services.commands)
    app.attach([platform])
    await app.start()
    yield app
    await app.stop()


def callback(payload) -> str:
    return rf"/interactions/{payload['id']}/{payload['token']}/callback"


async def submit(fake, custom_id: str, components: list, user_id: str, roles=()):
    payload = fake.interaction(5, {"custom_id": custom_id, "components": components}, user_id, roles)
    await fake.dispatch("INTERACTION_CREATE", payload)
    [ack] = await fake.wait_for_request("POST", callback(payload))
    return ack


async def click(fake, custom_id: str, message_id: str, user_id: str, roles=(CM_ROLE,)):
    payload = fake.button_click(custom_id, message_id, user_id, roles, channel_id=INBOX)
    await fake.dispatch("INTERACTION_CREATE", payload)
    [ack] = await fake.wait_for_request("POST", callback(payload))
    return ack


def card_edits(fake, message_id: str) -> list:
    return fake.requests_to("PATCH", rf"/channels/{INBOX}/messages/{message_id}")


async def test_feedback_from_modal_to_card_to_answer_dm_on_discord(fake, running):
    command = fake.command("feedback", "47", options=[{"name": "kind", "type": 3, "value": "bug"}])
    await fake.dispatch("INTERACTION_CREATE", command)
    [opened] = await fake.wait_for_request("POST", callback(command))
    assert opened.json["type"] == MODAL and opened.json["data"]["custom_id"] == "fb:new"
    kind, text = opened.json["data"]["components"]
    assert kind["type"] == 18 and kind["component"]["type"] == 3  # a select inside a label
    assert [o["value"] for o in kind["component"]["options"]] == ["idea", "bug", "praise", "complaint"]
    assert [o.get("default") for o in kind["component"]["options"]] == [False, True, False, False]
    assert text["components"][0]["custom_id"] == "text"

    hostile = "Crash on save @everyone <@&502> **now**"
    thanks = await submit(fake, "fb:new", [
        {"type": 18, "component": {"type": 3, "custom_id": "kind", "values": ["bug"]}},
        {"type": 18, "component": {"type": 4, "custom_id": "text", "value": hostile}}], "47")
    assert thanks.json["data"]["flags"] & EPHEMERAL and "#1" in thanks.json["data"]["content"]
    [card] = await fake.wait_for_request("POST", rf"/channels/{INBOX}/messages")
    embed = card.json["embeds"][0]
    assert embed["title"] == "Feedback #1 — 🐞 Bug"
    assert "@\u200beveryone" in embed["description"] and card.json["allowed_mentions"]["parse"] == []
    buttons = [b["custom_id"] for row in card.json["components"] for b in row["components"]]
    assert buttons == ["fb:ack:1", "fb:answer:1", "fb:done:1"]
    card_id = fake.channel_messages[INBOX][0]["id"]

    refused = await click(fake, "fb:ack:1", card_id, "48", roles=())
    assert "Only community managers" in refused.json["data"]["content"]
    await click(fake, "fb:ack:1", card_id, "49")
    [edit] = await fake.wait_for_request("PATCH", rf"/channels/{INBOX}/messages/{card_id}")
    assert [b["custom_id"] for row in edit.json["components"] for b in row["components"]] == [
        "fb:answer:1", "fb:done:1"]
    stale = await click(fake, "fb:ack:1", card_id, "50")  # an old copy of the card
    assert "already acknowledged by" in stale.json["data"]["content"]

    form = await click(fake, "fb:answer:1", card_id, "49")
    assert form.json["type"] == MODAL and form.json["data"]["custom_id"] == "fb:answer:1"
    await submit(fake, "fb:answer:1", [{"type": 1, "components": [
        {"type": 4, "custom_id": "answer", "value": "Fixed in 2.1, thanks! @here"}]}], "49", (CM_ROLE,))
    [dm] = await fake.wait_for_request("POST", r"/channels/847/messages")
    assert "Fixed in 2.1, thanks! @\u200bhere" in dm.json["content"]
    assert dm.json["allowed_mentions"]["parse"] == [] and dm.json["allowed_mentions"]["users"] == [47]
    await until(lambda: len(card_edits(fake, card_id)) >= 3)  # the stale click redrew it too
    await click(fake, "fb:done:1", card_id, "49")
    await until(lambda: card_edits(fake, card_id)[-1].json.get("components") == [])


async def test_the_answer_lands_in_the_channel_when_dms_are_closed(fake, running):
    fake.dms_closed.add("47")
    command = fake.command("feedback", "47", channel_id=GENERAL)
    await fake.dispatch("INTERACTION_CREATE", command)
    await fake.wait_for_request("POST", callback(command))
    await submit(fake, "fb:new", [
        {"type": 18, "component": {"type": 3, "custom_id": "kind", "values": ["idea"]}},
        {"type": 1, "components": [{"type": 4, "custom_id": "text", "value": "Dark mode"}]}], "47")
    await fake.wait_for_request("POST", rf"/channels/{INBOX}/messages")
    card_id = fake.channel_messages[INBOX][0]["id"]
    await click(fake, "fb:answer:1", card_id, "49")
    await submit(fake, "fb:answer:1", [{"type": 1, "components": [
        {"type": 4, "custom_id": "answer", "value": "Planned!"}]}], "49", (CM_ROLE,))
    [posted] = await fake.wait_for_request("POST", rf"/channels/{GENERAL}/messages")
    assert "<@47>" in posted.json["content"] and "Planned!" in posted.json["content"]
    assert posted.json["allowed_mentions"]["users"] == [47]


async def test_a_cm_mark_takes_the_message_and_its_author_into_the_inbox(fake, running):
    message = fake.message(GENERAL, user("55", "Zoé"), "The export is slow", guild_id=GUILD)
    reaction = {"user_id": "49", "channel_id": GENERAL, "message_id": message["id"], "guild_id": GUILD,
                "emoji": {"id": None, "name": "📝"}, "message_author_id": "55", "burst": False, "type": 0,
                "member": {"user": user("49", "Claire"), "roles": [CM_ROLE], "joined_at": "2026-01-01T00:00:00+00:00",
                           "deaf": False, "mute": False, "flags": 0}}
    await fake.dispatch("MESSAGE_REACTION_ADD", reaction)
    [card] = await fake.wait_for_request("POST", rf"/channels/{INBOX}/messages")
    embed = card.json["embeds"][0]
    assert "📝" in embed["title"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "55" in fields["From"] and f"/channels/{GUILD}/{GENERAL}/{message['id']}" in fields["Message"]
    assert "The export is slow" not in str(card.json)  # linked, never copied


async def test_a_members_message_in_a_feedback_channel_becomes_a_linked_card(fake, running):
    message = fake.message(FEEDBACK_CHANNEL, user("56", "Léa"), "Please add an export", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", message)
    [card] = await fake.wait_for_request("POST", rf"/channels/{INBOX}/messages")
    fields = {f["name"]: f["value"] for f in card.json["embeds"][0]["fields"]}
    assert "56" in fields["From"] and fields["Source"] == "feedback channel"
    assert "Please add an export" not in str(card.json)  # linked, never copied


async def test_the_team_lists_the_inbox_with_a_filter_and_members_are_refused(fake, running):
    hostile = "Crash on save @everyone <@&502> **now**"
    await submit(fake, "fb:new", [
        {"type": 18, "component": {"type": 3, "custom_id": "kind", "values": ["bug"]}},
        {"type": 18, "component": {"type": 4, "custom_id": "text", "value": hostile}}], "47")
    listed = fake.command("inbox", "49", roles=(CM_ROLE,), options=[{"name": "kind", "type": 3, "value": "bug"}])
    await fake.dispatch("INTERACTION_CREATE", listed)
    [answer] = await fake.wait_for_request("POST", callback(listed))
    shown = answer.json["data"]
    assert shown["flags"] & EPHEMERAL and shown["allowed_mentions"]["parse"] == []
    assert "Feedback inbox, not closed · 🐞 Bug: 1 item" in shown["content"]
    assert re.search(r"#1 · 🐞 Bug · to handle · received \d+ minutes? ago · from ", shown["content"])
    assert "@\u200beveryone" in shown["content"] and "**now**" not in shown["content"]  # inert
    member = fake.command("inbox", "48")
    await fake.dispatch("INTERACTION_CREATE", member)
    [refused] = await fake.wait_for_request("POST", callback(member))
    assert "reserved for" in refused.json["data"]["content"] and "#1" not in refused.json["data"]["content"]
