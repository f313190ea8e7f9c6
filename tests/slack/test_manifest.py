"""The shipped Slack app manifest declares exactly what the adapter listens to and calls."""

from __future__ import annotations

from importlib import resources

import yaml

from bot.platforms.slack.adapter import LISTENED_EVENTS, REPORT_SHORTCUT
from bot.platforms.slack.commands import SLASH_COMMAND

EXPECTED_SCOPES = {
    "chat:write", "commands", "channels:read", "groups:read", "channels:history", "groups:history",
    "reactions:read", "reactions:write", "users:read", "usergroups:read", "usergroups:write", "im:write",
    "files:write",
}
EXPECTED_EVENTS = {"member_joined_channel", "team_join", "message.channels", "message.groups", "reaction_added",
                   "reaction_removed"}


def manifest() -> dict:
    return yaml.safe_load(resources.files("config").joinpath("slack-manifest.yml").read_text(encoding="utf-8"))


def test_manifest_declares_the_command_shortcut_scopes_events_and_socket_mode():
    data = manifest()
    [command] = data["features"]["slash_commands"]
    assert command["command"] == SLASH_COMMAND
    [shortcut] = data["features"]["shortcuts"]
    assert shortcut["callback_id"] == REPORT_SHORTCUT and shortcut["type"] == "message"
    assert set(data["oauth_config"]["scopes"]["bot"]) == EXPECTED_SCOPES
    assert set(data["settings"]["event_subscriptions"]["bot_events"]) == EXPECTED_EVENTS
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["settings"]["socket_mode_enabled"] is True


def test_every_event_the_adapter_listens_to_is_subscribed():
    subscribed = {e.split(".")[0] for e in manifest()["settings"]["event_subscriptions"]["bot_events"]}
    assert set(LISTENED_EVENTS) == subscribed
