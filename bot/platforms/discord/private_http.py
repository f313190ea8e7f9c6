"""The only place cmbot touches discord.py names that are not part of its documented API.

Five needs have no public form in discord.py 2.7:
- replacing an application's commands from plain JSON payloads (the public `app_commands.CommandTree` wants
  decorated Python callbacks; our commands are data from the core's registry);
- deleting one message with an audit-log reason (`Message.delete()` takes none; moderators read the reason);
- sending REST calls and gateway connections to another host (a proxy, or the local fakes in tests);
- hearing the gateway's payloads as discord.py decoded them, with their sequence numbers, without decoding each
  frame a second time (the documented `on_socket_raw_receive` hands over the undecoded text, in a task of its
  own per frame): the client's table of parsers, keyed by the gateway's event names;
- telling whether anyone awaits an event with `Client.wait_for` (the client's table of waiters), so that the
  client skips the events nobody listens to (see `adapter._Client.dispatch`).

`tests/discord/test_private_http.py` checks every name used here on the installed discord.py, and
`pyproject.toml` pins the minor version that test covers: a release that moves them fails that test loudly
instead of breaking the bot at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import discord
import yarl

TESTED_VERSIONS = ((2, 7),)  # discord.py minor versions `test_private_http` was run against


def point_at(api_base: str | None = None, gateway_url: str | None = None) -> None:
    """Send discord.py's REST calls to `api_base` (e.g. "https://proxy.example/api/v10") and its gateway
    connections to `gateway_url`. Process-wide: discord.py keeps both on classes."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def endpoints() -> tuple[str, str]:
    """Where discord.py sends its calls now (REST base, gateway URL)."""
    return discord.http.Route.BASE, str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


async def replace_guild_commands(client: discord.Client, guild_id: int, payloads: list[dict[str, Any]]) -> None:
    await client.http.bulk_upsert_guild_commands(_application_id(client), guild_id, payloads)


async def replace_global_commands(client: discord.Client, payloads: list[dict[str, Any]]) -> None:
    await client.http.bulk_upsert_global_commands(_application_id(client), payloads)


async def delete_message(client: discord.Client, channel_id: int, message_id: int, reason: str | None) -> None:
    await client.http.delete_message(channel_id, message_id, reason=reason)


def _application_id(client: discord.Client) -> int:
    if client.application_id is None:
        raise RuntimeError("log in before registering commands")
    return client.application_id


def gateway_parsers(client: discord.Client) -> dict[str, Callable[[Any], None]]:
    """The client's parsers by gateway event name (`MESSAGE_CREATE`...): the gateway reads a frame, decodes it
    once, sets the connection's sequence number, then calls the parser of its event with the payload."""
    return client._connection.parsers


def frame_sequence(client: discord.Client) -> int | None:
    """The sequence number of the gateway frame being read (None before the first connection)."""
    gateway = client.ws
    return gateway.sequence if gateway is not None else None


def waiters(client: discord.Client) -> Mapping[str, object]:
    """The client's `wait_for` waiters by event name: an event is awaited when its name is a key. The same
    table for the client's life (made with the client, emptied and filled in place)."""
    return client._listeners
