"""Command payloads rendered from the core's specs, intents and invite URL, and error classification."""

from __future__ import annotations

import base64
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from bot.commands import CommandRegistry, CommandSpec, OptionKind, OptionSpec
from bot.i18n import Catalogue
from bot.platforms.discord.commands import command_payloads
from bot.platforms.discord.execute import failure
from bot.platforms.discord.intents import client_id_from_token, degrade, invite_url, missing_privileged, wanted_intents
from bot.roles import Role


async def _run(invocation):
    return []


def registry() -> CommandRegistry:
    reg = CommandRegistry()
    reg.add(CommandSpec(path=("help",), description_key="core.help_description", run=_run))
    reg.add(CommandSpec(path=("post", "draft"), description_key="core.help_description", run=_run,
                        allowed=frozenset({Role.SMM}), options=(
                            OptionSpec("note", "core.help_description"),
                            OptionSpec("text", "core.help_description", OptionKind.TEXT, required=True),
                            OptionSpec("channel", "core.help_description", OptionKind.CHANNEL, choices=()),
                        )))
    reg.add(CommandSpec(path=("mod", "queue", "show"), description_key="core.help_description", run=_run,
                        allowed=frozenset({Role.ADMIN})))
    return reg


def test_specs_become_commands_subcommands_and_groups_with_french_descriptions():
    payloads = {p["name"]: p for p in command_payloads(registry(), Catalogue.shipped())}
    assert set(payloads) == {"help", "post", "mod", "Report to moderators"}
    catalogue = Catalogue.shipped()
    assert payloads["help"]["description"] == catalogue.string("en", "core.help_description")
    assert payloads["help"]["description_localizations"]["fr"] == catalogue.string("fr", "core.help_description")
    [draft] = payloads["post"]["options"]
    assert (draft["type"], draft["name"]) == (1, "draft")
    assert [o["name"] for o in draft["options"]] == ["text", "note", "channel"]  # required first
    assert [o["type"] for o in draft["options"]] == [3, 3, 7]
    [queue] = payloads["mod"]["options"]
    assert (queue["type"], queue["options"][0]["name"]) == (2, "show")
    assert payloads["mod"]["default_member_permissions"] == "8"  # a hint only; our router decides
    assert "default_member_permissions" not in payloads["post"]
    report = payloads["Report to moderators"]
    assert report["type"] == 3 and report["name_localizations"]["fr"] == "Signaler aux modérateurs"


def test_an_invalid_command_name_is_refused_with_a_clear_message():
    reg = CommandRegistry()
    reg.add(CommandSpec(path=("bad name",), description_key="core.help_description", run=_run))
    with pytest.raises(ValueError, match="not a valid Discord command"):
        command_payloads(reg, Catalogue.shipped())


def test_missing_privileged_intents_are_read_from_the_application_flags():
    flags = discord.ApplicationFlags._from_value(1 << 15)  # members (limited) only
    missing = missing_privileged(flags)
    assert [p.name for p in missing] == ["message_content"]
    reduced = degrade(wanted_intents(), missing)
    assert reduced.members and not reduced.message_content and wanted_intents().message_content


def test_invite_url_has_the_exact_scopes_and_permissions():
    query = parse_qs(urlparse(invite_url(900, guild_id="100")).query)
    assert query["scope"] == ["bot applications.commands"]
    permissions = discord.Permissions(int(query["permissions"][0]))
    assert permissions.send_messages and permissions.manage_messages and permissions.moderate_members
    assert not permissions.administrator and not permissions.mention_everyone and not permissions.ban_members
    assert query["client_id"] == ["900"] and query["guild_id"] == ["100"]


def test_the_client_id_is_read_from_the_token_without_a_request():
    head = base64.b64encode(b"123456789012345678").decode().rstrip("=")
    assert client_id_from_token(f"{head}.XXXX.YYYY") == 123456789012345678
    assert client_id_from_token("not-a-token") is None


@pytest.mark.parametrize("status, permanent", [(400, True), (403, True), (404, True), (429, False), (500, False),
                                               (503, False)])
def test_discord_errors_are_sorted_by_whether_a_retry_can_help(status, permanent):
    response = SimpleNamespace(status=status, reason="x")
    result = failure(discord.HTTPException(response, {"message": "m", "code": 1}))
    assert not result.ok and result.permanent is permanent


def test_network_errors_are_transient():
    assert failure(TimeoutError()).permanent is False
    assert failure(ConnectionResetError()).permanent is False
