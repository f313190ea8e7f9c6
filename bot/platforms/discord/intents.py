"""Which gateway intents and permissions cmbot asks Discord for, and what goes dark without each one.

`members` and `message_content` are privileged: a bot owner switches them on in the Developer Portal. If the
application's flags say one is off, the bot still starts, without it, after one warning that names the
features it turns off and where to switch it on, instead of being refused by the gateway (close code 4014).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlencode

import discord

PORTAL = "https://discord.com/developers/applications"
SCOPES = ("bot", "applications.commands")


@dataclass(frozen=True)
class PrivilegedIntent:
    name: str  # discord.Intents attribute
    portal_label: str
    flags: tuple[str, ...]  # discord.ApplicationFlags attributes that mean "granted"
    features: str


PRIVILEGED = (
    PrivilegedIntent(
        name="members",
        portal_label="Server Members Intent",
        flags=("gateway_guild_members", "gateway_guild_members_limited"),
        features="welcome messages and onboarding (member joins and leaves)",
    ),
    PrivilegedIntent(
        name="message_content",
        portal_label="Message Content Intent",
        flags=("gateway_message_content", "gateway_message_content_limited"),
        features="automatic moderation of message text and keyword-based engagement",
    ),
)


def wanted_intents() -> discord.Intents:
    """Guilds, messages, reactions and poll votes in guilds, plus both privileged intents; no presences, no DMs."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.guild_reactions = True
    intents.invites = True  # INVITE_CREATE / INVITE_DELETE keep the invite-tracking counts right
    intents.guild_polls = True  # MESSAGE_POLL_VOTE_ADD / _REMOVE: the votes on the bot's native polls
    intents.members = True
    intents.message_content = True
    return intents


def missing_privileged(flags: discord.ApplicationFlags) -> list[PrivilegedIntent]:
    return [p for p in PRIVILEGED if not any(getattr(flags, flag, False) for flag in p.flags)]


def degrade(intents: discord.Intents, missing: list[PrivilegedIntent]) -> discord.Intents:
    reduced = discord.Intents(intents.value)
    for privileged in missing:
        setattr(reduced, privileged.name, False)
    return reduced


def warning_for(privileged: PrivilegedIntent, application_id: int | None) -> str:
    where = f"{PORTAL}/{application_id}/bot" if application_id else PORTAL
    return (
        f"Discord privileged intent '{privileged.name}' is not enabled for this application: "
        f"{privileged.features} is off. Enable \"{privileged.portal_label}\" at {where} and restart cmbot."
    )


def needed_permissions() -> discord.Permissions:
    """Exactly what the features use: read and post (with embeds, files, threads), react, delete flagged
    messages, time members out, and post polls."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        create_public_threads=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
        add_reactions=True,
        manage_messages=True,
        moderate_members=True,
        create_instant_invite=True,
        send_polls=True,
    )


def invite_url(client_id: int | str, guild_id: str | None = None) -> str:
    query = {"client_id": str(client_id), "scope": " ".join(SCOPES), "permissions": str(needed_permissions().value)}
    if guild_id:
        query |= {"guild_id": guild_id, "disable_guild_select": "true"}
    return "https://discord.com/oauth2/authorize?" + urlencode(query)


def client_id_from_token(token: str) -> int | None:
    """A bot token starts with the bot's user id (= the application id) in base64; read it without a request."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None
