"""Slash commands, role refusals, deferrals, buttons, modals and reports, through the real client and the fake."""

from __future__ import annotations

from bot.events import ButtonClicked, MessageReported, ModalSubmitted
from tests.discord.conftest import GUILD, SMM_ROLE
from tests.fakes.discord_fake import user

EPHEMERAL = 1 << 6
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, MODAL = 4, 5, 6, 9


def callback_path(payload) -> str:
    return rf"/interactions/{payload['id']}/{payload['token']}/callback"


async def test_slash_command_runs_its_handler_and_answers_through_the_callback(harness):
    payload = harness.fake.command("ping", "43")
    await harness.fake.dispatch("INTERACTION_CREATE", payload)

    [call] = await harness.fake.wait_for_request("POST", callback_path(payload))
    assert call.json["type"] == CHANNEL_MESSAGE
    assert call.json["data"]["content"] == "pong"
    assert not call.json["data"].get("flags", 0) & EPHEMERAL


async def test_a_refused_role_gets_an_ephemeral_refusal_in_the_community_locale_and_nothing_else(harness):
    options = [{"type": 1, "name": "draft", "options": [{"type": 3, "name": "text", "value": "hello"}]}]
    payload = harness.fake.command("post", "44", roles=("999",), options=options)
    await harness.fake.dispatch("INTERACTION_CREATE", payload)

    await harness.fake.wait_for_request("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
    [deferral] = harness.fake.requests_to("POST", callback_path(payload))
    assert deferral.json["type"] == DEFERRED_CHANNEL_MESSAGE  # a slow command defers before the core runs
    assert deferral.json["data"]["flags"] & EPHEMERAL
    [answer] = harness.fake.requests_to("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
    assert "réservée" in answer.json["content"] or "réservé" in answer.json["content"]
    assert harness.seen.drafts == []
    assert harness.fake.requests_to("POST", r"/channels/\d+/messages") == []


async def test_an_allowed_slow_command_is_deferred_then_answered(harness):
    options = [{"type": 1, "name": "draft", "options": [{"type": 3, "name": "text", "value": "two\nlines"}]}]
    payload = harness.fake.command("post", "45", roles=(SMM_ROLE,), options=options)
    await harness.fake.dispatch("INTERACTION_CREATE", payload)

    [answer] = await harness.fake.wait_for_request("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
    assert answer.json["content"] == "draft saved"
    assert harness.seen.drafts == ["two\nlines"]


async def test_a_public_answer_after_a_private_deferral_replaces_the_placeholder(harness):
    payload = harness.fake.command("announce", "45")
    await harness.fake.dispatch("INTERACTION_CREATE", payload)

    await harness.fake.wait_for_request("DELETE", rf"/webhooks/\d+/{payload['token']}/messages/@original")
    [followup] = harness.fake.requests_to("POST", rf"/webhooks/\d+/{payload['token']}")
    assert followup.json["content"] == "for everyone"
    assert not followup.json.get("flags", 0) & EPHEMERAL


async def test_a_button_click_reaches_its_handler_even_on_a_message_this_process_never_sent(harness):
    payload = harness.fake.button_click("moderation:approve:17", "123456789", "46", roles=(SMM_ROLE,))
    await harness.fake.dispatch("INTERACTION_CREATE", payload)

    [call] = await harness.fake.wait_for_request("POST", callback_path(payload))
    [event] = harness.seen.of(ButtonClicked)
    assert (event.custom_id, event.message_id, event.member.id) == ("moderation:approve:17", "123456789", "46")
    assert call.json["data"]["content"] == "clicked moderation:approve:17"
    assert call.json["data"]["flags"] & EPHEMERAL


async def test_a_command_can_open_a_modal_and_its_submission_comes_back(harness):
    payload = harness.fake.command("compose", "47")
    await harness.fake.dispatch("INTERACTION_CREATE", payload)

    [call] = await harness.fake.wait_for_request("POST", callback_path(payload))
    assert call.json["type"] == MODAL
    assert call.json["data"]["custom_id"] == "post:compose"
    [row] = call.json["data"]["components"]
    assert row["components"][0]["custom_id"] == "body"

    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "body", "value": "line one\nline two"}]}]
    submit = harness.fake.interaction(5, {"custom_id": "post:compose", "components": rows}, "47")
    await harness.fake.dispatch("INTERACTION_CREATE", submit)

    [ack] = await harness.fake.wait_for_request("POST", callback_path(submit))
    [event] = harness.seen.of(ModalSubmitted)
    assert (event.custom_id, dict(event.values)) == ("post:compose", {"body": "line one\nline two"})
    assert ack.json["type"] == DEFERRED_UPDATE  # nobody answered: acknowledged silently, no "failed" banner


async def test_report_context_menu_becomes_a_report_with_the_reported_member(harness):
    target = harness.fake.message("700", user("48", "Troll"), "rude words", guild_id=GUILD)
    data = {"id": "1", "name": "Report to moderators", "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}}}
    payload = harness.fake.interaction(2, data, "49")
    await harness.fake.dispatch("INTERACTION_CREATE", payload)

    [ack] = await harness.fake.wait_for_request("POST", callback_path(payload))
    [report] = harness.seen.of(MessageReported)
    assert (report.member.id, report.reported_member.id, report.text) == ("49", "48", "rude words")
    assert ack.json["data"]["flags"] & EPHEMERAL  # nobody answered: the reporter still hears back, privately
    assert "modérateurs" in ack.json["data"]["content"]
