"""Pure translation of Slack payloads and `/cmbot` lines."""

from __future__ import annotations

from bot.commands import CommandRegistry, CommandSpec, OptionKind, OptionSpec
from bot.events import Member
from bot.platforms.slack.commands import CommandProblem, ParsedCommand, parse_command_text
from bot.platforms.slack.translate import author_id, message_event, modal_values, team_of

ADA = Member(id="UADA", display_name="Ada")


async def nothing(invocation):
    return []


def registry() -> CommandRegistry:
    commands = CommandRegistry()
    commands.add(CommandSpec(("help",), "core.help_description", nothing))
    commands.add(CommandSpec(("post", "show"), "core.help_description", nothing,
                             options=(OptionSpec("id", "core.help_description"),
                                      OptionSpec("note", "core.help_description"))))
    commands.add(CommandSpec(("warn",), "core.help_description", nothing,
                             options=(OptionSpec("who", "core.help_description", OptionKind.MEMBER),
                                      OptionSpec("where", "core.help_description", OptionKind.CHANNEL),
                                      OptionSpec("why", "core.help_description"))))
    return commands


def test_cmbot_lines_parse_into_paths_and_options():
    assert parse_command_text(registry(), "") == ParsedCommand(("help",), {})
    assert parse_command_text(registry(), 'post show 12 note="a b"') == ParsedCommand(
        ("post", "show"), {"id": "12", "note": "a b"})


def test_picked_members_and_channels_become_ids_and_text_loses_slack_escaping():
    parsed = parse_command_text(registry(), 'warn <@U123|ada> <#C9|general> why="a &amp; b &lt;3"')
    assert parsed == ParsedCommand(("warn",), {"who": "U123", "where": "C9", "why": "a & b <3"})


def test_unknown_or_unreadable_lines_are_problems_with_catalogue_keys():
    unknown = parse_command_text(registry(), "launch rockets")
    assert isinstance(unknown, CommandProblem) and unknown.key == "slack.command_unknown"
    unreadable = parse_command_text(registry(), 'post show "unclosed')
    assert isinstance(unreadable, CommandProblem) and unreadable.key == "core.line_quotes"


def test_team_is_found_in_every_payload_shape():
    assert team_of({"team_id": "T1"}) == "T1"
    assert team_of({"team": {"id": "T2"}}) == "T2"
    assert team_of({"user": {"team_id": "T3"}}) == "T3"


def test_author_of_system_and_bot_messages_is_none():
    assert author_id({"user": "U1", "text": "x"}) == "U1"
    assert author_id({"user": "U1", "subtype": "channel_join"}) is None
    assert author_id({"bot_id": "B1", "subtype": "bot_message"}) is None
    assert author_id({"subtype": "message_changed", "message": {"user": "U2"}}) == "U2"
    assert author_id({"subtype": "message_changed", "message": {"bot_id": "B", "user": "U2"}}) is None


def test_an_edit_that_changes_no_text_is_not_an_edit():
    body = {"team_id": "T1", "event_id": "Ev1", "event": {
        "type": "message", "subtype": "message_changed", "channel": "C1", "ts": "1.1",
        "message": {"user": "UADA", "text": "same", "ts": "1.0", "attachments": [{}]},
        "previous_message": {"user": "UADA", "text": "same", "ts": "1.0"}}}
    assert message_event(body, ADA) is None


def test_thread_parent_is_not_a_reply_and_files_are_counted():
    body = {"team_id": "T1", "event_id": "Ev2", "event": {
        "type": "message", "user": "UADA", "channel": "C1", "ts": "5.0", "thread_ts": "5.0", "text": "x",
        "subtype": "file_share", "files": [{"id": "F1"}, {"id": "F2"}]}}
    event = message_event(body, ADA)
    assert event is not None and event.thread_id is None and event.attachment_count == 2


def test_modal_values_by_input_id_with_empty_optional_fields():
    view = {"state": {"values": {"reason": {"reason": {"value": "spam"}}, "extra": {"extra": {"value": None}}}}}
    assert modal_values(view) == {"reason": "spam", "extra": ""}
