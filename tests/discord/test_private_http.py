"""The undocumented discord.py names cmbot uses, checked on the installed version.

They all stand in `bot/platforms/discord/private_http.py`; if a discord.py release moves one, this test fails
loudly here (and `pyproject.toml` pins the minor versions it was run against), instead of the bot failing at
run time. The behaviour behind each name is tested at the wire against the local Discord fake.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import discord
import pytest

from bot.platforms.discord import private_http

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_discord_py_is_a_version_this_module_was_checked_against():
    assert (discord.version_info.major, discord.version_info.minor) in private_http.TESTED_VERSIONS


def test_pyproject_pins_exactly_the_checked_versions():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [pin] = [d for d in dependencies if d.lower().startswith("discord.py")]
    low, high = min(private_http.TESTED_VERSIONS), max(private_http.TESTED_VERSIONS)
    assert pin.replace(" ", "") == f"discord.py>={low[0]}.{low[1]},<{high[0]}.{high[1] + 1}"


@pytest.mark.parametrize(("method", "parameters"), [
    ("bulk_upsert_guild_commands", ["application_id", "guild_id", "payload"]),
    ("bulk_upsert_global_commands", ["application_id", "payload"]),
    ("delete_message", ["channel_id", "message_id", "reason"]),
])
def test_the_http_client_methods_we_call_keep_their_parameters(method, parameters):
    signature = inspect.signature(getattr(discord.http.HTTPClient, method))
    assert list(signature.parameters)[1:] == parameters


def test_the_endpoints_live_where_point_at_changes_them():
    assert isinstance(discord.http.Route.BASE, str) and discord.http.Route.BASE.endswith("/api/v10")
    assert "gateway" in str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    route = discord.http.Route("GET", "/users/@me")
    assert route.url == discord.http.Route.BASE + "/users/@me"  # read at call time, so a change takes effect


def test_the_gateway_hands_each_payload_to_the_parser_of_its_event_name():
    client = discord.Client(intents=discord.Intents.none())
    parsers = private_http.gateway_parsers(client)
    assert {"READY", "GUILD_CREATE", "MESSAGE_CREATE", "GUILD_MEMBER_ADD", "MESSAGE_REACTION_ADD",
            "INTERACTION_CREATE"} <= set(parsers)
    source = inspect.getsource(discord.gateway.DiscordWebSocket.received_message)
    assert source.index("self.sequence = seq") < source.index("self._discord_parsers[event]")
    assert private_http.frame_sequence(client) is None  # not connected yet



def test_the_clients_waiters_are_kept_by_event_name():
    """`awaited` reads the table `wait_for` fills and `dispatch` reads (its waiting at the wire is in
    `test_wire_event_costs`); the client dispatches an event to the handler named after it (`on_` + the
    event), looked up on the instance."""
    client = discord.Client(intents=discord.Intents.none())
    assert private_http.waiters(client) == {}
    assert "self._listeners[ev] = listeners" in inspect.getsource(discord.Client.wait_for)
    assert "self._listeners = " not in inspect.getsource(discord.Client.wait_for) + dispatch_source()
    dispatch = dispatch_source()
    assert "self._listeners.get(event)" in dispatch
    assert "method = 'on_' + event" in dispatch and "getattr(self, method)" in dispatch
    assert list(inspect.signature(discord.Client.dispatch).parameters) == ["self", "event", "args", "kwargs"]

def test_no_other_module_touches_discord_py_privately():
    allowed = {"private_http.py"}
    private = re.compile(r"\b(?:client|self\.client|state)\._\w+|\._connection\b|\.http\.\w+\(|_from_value\b")
    for path in sorted((ROOT / "bot/platforms/discord").glob("*.py")):
        if path.name not in allowed:
            assert not private.search(path.read_text()), path.name


def test_the_slack_adapter_uses_only_public_slack_bolt_modules():
    for path in sorted((ROOT / "bot/platforms/slack").glob("*.py")):
        assert "async_internals" not in path.read_text(), path.name


def dispatch_source() -> str:
    return inspect.getsource(discord.Client.dispatch)
