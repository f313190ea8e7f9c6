"""The slash command over signed HTTP and over Socket Mode; signature checks; roles; buttons and modals."""

from __future__ import annotations

import json
import time

from bot.events import ButtonClicked, CommandInvoked, MessageReported, ModalSubmitted
from tests.fakes.slack_fake import (
    block_actions_payload,
    command_payload,
    form_body,
    interactive_form,
    message_shortcut_payload,
    view_submission_payload,
)
from tests.slack.harness import GENERAL, MODERATION

FORM = "application/x-www-form-urlencoded"


def url_of(bot) -> str:
    return bot.platform.transport.url


async def test_slash_command_over_signed_http_acks_then_answers_through_the_response_url(http_bot):
    fake = http_bot.fake
    body = form_body(command_payload("ping", user_id="UADA", response_url=fake.response_url("r1")))
    status, text = await fake.post_signed(url_of(http_bot), body, content_type=FORM)
    assert status == 200 and text == ""
    [answer] = await fake.wait_for(lambda: fake.responses)
    assert answer["key"] == "r1"
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "pong <@UADA>"
    [event] = [e for e in http_bot.arrived if isinstance(e, CommandInvoked)]
    assert event.path == ("ping",) and event.member.id == "UADA"


async def test_slash_command_over_socket_mode(socket_bot):
    fake = socket_bot.fake
    ack = await fake.send_socket("slash_commands",
                                 command_payload("ping", user_id="UBOB", response_url=fake.response_url("r2")))
    assert "envelope_id" in ack
    [answer] = await fake.wait_for(lambda: fake.responses)
    assert answer["text"] == "pong <@UBOB>" and answer["key"] == "r2"


async def test_an_unreadable_command_gets_a_private_answer_in_the_ack(http_bot):
    fake = http_bot.fake
    body = form_body(command_payload("nosuch thing", user_id="UADA", response_url=fake.response_url("r3")))
    status, text = await fake.post_signed(url_of(http_bot), body, content_type=FORM)
    assert status == 200
    answer = json.loads(text)
    assert answer["response_type"] == "ephemeral"
    assert "/cmbot help" in answer["text"] and "nosuch" in answer["text"]
    await http_bot.platform.idle()
    assert http_bot.arrived == []


async def test_help_lists_only_what_the_callers_role_may_use(http_bot):
    fake = http_bot.fake
    await fake.post_signed(url_of(http_bot), form_body(
        command_payload("", user_id="UADA", response_url=fake.response_url("member"))), content_type=FORM)
    await fake.post_signed(url_of(http_bot), form_body(
        command_payload("help", user_id="UROOT", response_url=fake.response_url("admin"))), content_type=FORM)
    answers = await fake.wait_for(lambda: fake.responses[1:] and {r["key"]: r["text"] for r in fake.responses})
    assert "purge" not in answers["member"] and "/cmbot ping" in answers["member"]
    assert "purge" in answers["admin"]


async def test_forged_stale_or_tampered_requests_are_refused_with_401_and_no_effect(http_bot):
    fake = http_bot.fake
    body = form_body(command_payload("purge", user_id="UROOT", response_url=fake.response_url("x")))
    forged = await fake.post_signed(url_of(http_bot), body, content_type=FORM, secret="not-the-secret")
    stale = await fake.post_signed(url_of(http_bot), body, content_type=FORM, timestamp=int(time.time()) - 301)
    tampered = await fake.post_signed(url_of(http_bot), body.replace("purge", "ping"), content_type=FORM,
                                      signed_body=body)
    assert [forged[0], stale[0], tampered[0]] == [401, 401, 401]
    await http_bot.platform.idle()
    assert http_bot.arrived == [] and fake.responses == []
    assert fake.calls_to("chat.postMessage") == []


async def test_a_refused_role_gets_an_ephemeral_refusal_and_nothing_else(http_bot):
    fake = http_bot.fake
    body = form_body(command_payload("purge", user_id="UADA", response_url=fake.response_url("r4")))
    await fake.post_signed(url_of(http_bot), body, content_type=FORM)
    [answer] = await fake.wait_for(lambda: fake.responses)
    assert answer["response_type"] == "ephemeral" and "ADMIN" in answer["text"]
    await http_bot.platform.idle()
    assert fake.calls_to("chat.postMessage") == []


async def test_a_member_of_the_admin_user_group_may_use_an_admin_command(http_bot):
    fake = http_bot.fake
    body = form_body(command_payload("purge", user_id="UROOT", response_url=fake.response_url("r5")))
    await fake.post_signed(url_of(http_bot), body, content_type=FORM)
    [call] = await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    assert call.args["channel"] == MODERATION


async def test_the_same_event_delivered_again_over_http_with_retry_num_is_handled_once(http_bot):
    fake = http_bot.fake
    event = {"type": "member_joined_channel", "user": "UADA", "channel": "CWELCOME", "event_ts": "1.0"}
    body = json.dumps(fake.event_body(event, "EvHTTP1"))
    first = await fake.post_signed(url_of(http_bot), body)
    second = await fake.post_signed(url_of(http_bot), body, timestamp=int(time.time()) + 1,  # signed anew
                                    headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first[0] == second[0] == 200
    await fake.wait_for(lambda: len([e for e in http_bot.arrived if e.event_id == "EvHTTP1"]) == 2)
    await http_bot.platform.idle()
    assert len(fake.calls_to("chat.postMessage")) == 1


async def test_a_button_click_reaches_its_handler_and_is_answered_on_the_response_url(http_bot):
    fake = http_bot.fake
    payload = block_actions_payload("test:approve:1", user_id="UBOB", channel_id=GENERAL,
                                    message_ts="1700000009.000100", response_url=fake.response_url("b1"))
    status, _ = await fake.post_signed(url_of(http_bot), interactive_form(payload), content_type=FORM)
    assert status == 200
    [event] = await http_bot.wait_handled(lambda e: isinstance(e, ButtonClicked))
    assert event.custom_id == "test:approve:1" and event.message_id == "1700000009.000100"
    assert event.channel.id == GENERAL
    [answer] = await fake.wait_for(lambda: fake.responses)
    assert answer["text"] == "clicked test:approve:1" and answer["response_type"] == "ephemeral"


async def test_open_modal_uses_the_trigger_id_and_the_submission_reaches_its_handler(socket_bot):
    fake = socket_bot.fake
    payload = command_payload("form", user_id="UADA", response_url=fake.response_url("f"), trigger_id="trig.42")
    await fake.send_socket("slash_commands", payload)
    [opened] = await fake.wait_for(lambda: fake.calls_to("views.open"))
    assert opened.args["trigger_id"] == "trig.42"
    view = opened.args["view"]
    assert view["callback_id"] == "test:form" and view["private_metadata"] == "C0001"
    assert view["blocks"][0]["element"]["multiline"] is True
    submission = view_submission_payload("test:form", {"note": "hello"}, user_id="UADA",
                                         channel_id=view["private_metadata"])
    await fake.send_socket("interactive", submission)
    [event] = await socket_bot.wait_handled(lambda e: isinstance(e, ModalSubmitted))
    assert event.custom_id == "test:form" and dict(event.values) == {"note": "hello"}
    [ephemeral] = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral"))
    assert ephemeral.args["channel"] == "C0001" and ephemeral.args["user"] == "UADA"


async def test_report_to_moderators_shortcut_becomes_message_reported(socket_bot):
    fake = socket_bot.fake
    payload = message_shortcut_payload(user_id="UBOB", channel_id=GENERAL, message_ts="1700000010.000100",
                                       author_id="UADA", text="rude words", response_url=fake.response_url("s"))
    await fake.send_socket("interactive", payload)
    [event] = await socket_bot.wait_handled(lambda e: isinstance(e, MessageReported))
    assert event.member.id == "UBOB" and event.reported_member.id == "UADA"
    assert event.text == "rude words" and event.message_id == "1700000010.000100"
