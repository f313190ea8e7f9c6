"""Pure translation of gateway payloads (written by hand, as Discord documents them) into core events."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.events import (
    ButtonClicked,
    CommandInvoked,
    MemberJoined,
    MessageEdited,
    MessagePosted,
    MessageReported,
    ModalSubmitted,
    ReactionAdded,
    ReactionRemoved,
)
from bot.platforms.discord import translate

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
USER = {"id": "42", "username": "zoe", "global_name": "Zoé"}
MEMBER = {"user": USER, "roles": ["501", "777"], "nick": "Zo", "joined_at": "2026-11-20T10:00:00+00:00"}


def message(**extra):
    return {"id": "1000", "channel_id": "700", "guild_id": "100", "author": USER, "member": MEMBER,
            "content": "salut @everyone", "timestamp": "2026-11-23T08:59:00+00:00", "mentions": [{"id": "43"}],
            "mention_roles": ["501"], "mention_everyone": True, "attachments": [{}, {}]} | extra


def test_member_join_carries_roles_nickname_and_join_time():
    event = translate.member_joined({"guild_id": "100", **MEMBER}, NOW)
    assert isinstance(event, MemberJoined)
    assert (event.space_id, event.member.id, event.member.display_name) == ("100", "42", "Zo")
    assert event.member.roles == frozenset({"501", "777"})
    assert event.at == event.member.joined_at == datetime(2026, 11, 20, 10, tzinfo=UTC)


def test_a_guild_message_becomes_a_post_with_mentions_and_attachments_counted():
    event = translate.message_event(message(message_reference={"message_id": "999"}), NOW)
    assert isinstance(event, MessagePosted) and not isinstance(event, MessageEdited)
    assert (event.channel.id, event.message_id, event.text, event.reply_to_id) == ("700", "1000",
                                                                                   "salut @everyone", "999")
    assert event.mentioned_user_ids == ("43",) and event.mentioned_role_ids == ("501",)
    assert event.mentions_everyone and event.attachment_count == 2
    assert event.member.roles == frozenset({"501", "777"})


def test_a_thread_message_names_the_parent_channel_and_the_thread():
    event = translate.message_event(message(channel_id="7001"), NOW, thread_parent_id="700")
    assert (event.channel.id, event.thread_id) == ("700", "7001")


def test_edits_dms_webhooks_and_partial_updates():
    edited = translate.message_event(message(edited_timestamp="2026-11-23T09:01:00+00:00"), NOW, edited=True)
    assert isinstance(edited, MessageEdited) and edited.event_id != translate.message_event(message(), NOW).event_id
    assert translate.message_event({k: v for k, v in message().items() if k != "guild_id"}, NOW) is None
    assert translate.message_event(message(webhook_id="5"), NOW) is None
    assert translate.message_event({"id": "1000", "channel_id": "700", "guild_id": "100"}, NOW, edited=True) is None


def test_reactions_with_unicode_and_custom_emoji():
    added = translate.reaction({"guild_id": "100", "channel_id": "700", "message_id": "1000", "user_id": "42",
                                "member": MEMBER, "emoji": {"id": None, "name": "👍"}}, NOW, added=True, sequence=3)
    removed = translate.reaction({"guild_id": "100", "channel_id": "700", "message_id": "1000", "user_id": "42",
                                  "emoji": {"id": "55", "name": "party"}}, NOW, added=False, sequence=4)
    assert isinstance(added, ReactionAdded) and added.emoji == "👍" and added.member.roles
    assert type(removed) is ReactionRemoved and removed.emoji == "party:55" and removed.member.id == "42"


def interaction(kind: int, data: dict, **extra) -> dict:
    return {"id": "1234567890123456789", "type": kind, "guild_id": "100", "channel_id": "700", "member": MEMBER,
            "token": "t", "data": data} | extra


def test_a_slash_command_with_a_subcommand_and_typed_options_becomes_string_options():
    options = [{"type": 1, "name": "draft", "options": [
        {"type": 3, "name": "text", "value": "hi"}, {"type": 4, "name": "count", "value": 3},
        {"type": 5, "name": "urgent", "value": False}, {"type": 6, "name": "who", "value": "43"}]}]
    event = translate.interaction_event(interaction(2, {"name": "post", "type": 1, "options": options}), "Report")
    assert isinstance(event, CommandInvoked)
    assert event.path == ("post", "draft")
    assert dict(event.options) == {"text": "hi", "count": "3", "urgent": "false", "who": "43"}
    assert event.interaction.token == "1234567890123456789" and event.member.roles == frozenset({"501", "777"})
    assert event.at.year >= 2015  # from the snowflake


def test_a_subcommand_group_path():
    options = [{"type": 2, "name": "queue", "options": [{"type": 1, "name": "show", "options": []}]}]
    event = translate.interaction_event(interaction(2, {"name": "mod", "type": 1, "options": options}), "Report")
    assert event.path == ("mod", "queue", "show") and dict(event.options) == {}


def test_buttons_modals_and_reports():
    click = translate.interaction_event(interaction(3, {"custom_id": "mod:ok:1", "component_type": 2},
                                                    message={"id": "1000"}), "Report")
    modal = translate.interaction_event(interaction(5, {"custom_id": "post:compose", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "body", "value": "a\nb"}]},
        {"type": 18, "component": {"type": 4, "custom_id": "title", "value": "T"}}]}), "Report")
    target = message()
    report = translate.interaction_event(interaction(2, {"name": "Report", "type": 3, "target_id": "1000",
                                                         "resolved": {"messages": {"1000": target}}}), "Report")
    other_menu = translate.interaction_event(interaction(2, {"name": "Other", "type": 3, "target_id": "1000",
                                                             "resolved": {"messages": {"1000": target}}}), "Report")
    assert isinstance(click, ButtonClicked) and (click.custom_id, click.message_id) == ("mod:ok:1", "1000")
    assert isinstance(modal, ModalSubmitted) and dict(modal.values) == {"body": "a\nb", "title": "T"}
    assert isinstance(report, MessageReported) and report.reported_member.id == "42"
    assert report.text == "salut @everyone" and other_menu is None


def test_interactions_outside_a_guild_are_ignored():
    payload = interaction(2, {"name": "ping", "type": 1})
    del payload["guild_id"], payload["member"]
    assert translate.interaction_event(payload | {"user": USER}, "Report") is None
