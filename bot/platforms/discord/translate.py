"""Gateway payloads (plain dicts, as Discord documents them) -> the core's frozen events.

These functions are pure: they read the JSON the gateway sent and nothing else, so they are tested with
payloads written by hand and never need a connection or a discord.py cache. Role ids come straight from the
payload's `member.roles`, which the gateway includes for guild messages, joins, reactions and interactions.
A payload we cannot use (no guild, partial edit without content, a webhook) gives `None`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.events import (
    ButtonClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    InteractionRef,
    Member,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageReported,
    ModalSubmitted,
    PlatformName,
    PollVoteAdded,
    PollVoteRemoved,
    ReactionAdded,
    ReactionRemoved,
)

Payload = Mapping[str, Any]
DISCORD_EPOCH_MS = 1420070400000
DISCORD = PlatformName.DISCORD
NO_ROLES: frozenset[str] = frozenset()

# Interaction and component type numbers from Discord's API reference.
APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT = 2, 3, 5
MESSAGE_COMMAND = 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
TEXT_INPUT = 4
STRING_SELECT = 3
BUTTON = 2


def snowflake_time(snowflake: str | int) -> datetime:
    return datetime.fromtimestamp(((int(snowflake) >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def member_of(user: Payload, member: Payload | None = None) -> Member:
    """A `Member` from a user object and, in a guild, its member object (nickname, role ids, join time).

    Built for every event the gateway sends, so it reads each field once and builds nothing it does not keep:
    no generator for the role ids, no empty member object when there is none."""
    if not member:
        return Member(
            id=str(user["id"]),
            display_name=user.get("global_name") or user.get("username") or str(user.get("id", "")),
            is_bot=bool(user.get("bot", False)),
        )
    roles = member.get("roles", ())
    joined = member.get("joined_at")
    return Member(
        id=str(user["id"]),
        display_name=member.get("nick") or user.get("global_name") or user.get("username") or str(user.get("id", "")),
        roles=frozenset(map(str, roles)) if roles else NO_ROLES,
        is_bot=bool(user.get("bot", False)),
        joined_at=datetime.fromisoformat(joined) if joined else None,
    )


def member_joined(data: Payload, now: datetime, member_count: int | None = None) -> MemberJoined:
    member = member_of(data["user"], data)
    return MemberJoined(
        member_count=member_count,
        platform=DISCORD,
        space_id=str(data["guild_id"]),
        event_id=f"join:{data['guild_id']}:{member.id}:{data.get('joined_at', '')}",
        at=member.joined_at or now,
        member=member,
    )


def member_left(data: Payload, now: datetime, sequence: object = None) -> MemberLeft:
    member = member_of(data["user"])
    return MemberLeft(
        platform=DISCORD,
        space_id=str(data["guild_id"]),
        event_id=f"leave:{data['guild_id']}:{member.id}:{sequence if sequence is not None else now.isoformat()}",
        at=now,
        member=member,
    )


def message_event(data: Payload, now: datetime, *, thread_parent_id: str | None = None, edited: bool = False):
    """MESSAGE_CREATE / MESSAGE_UPDATE -> MessagePosted / MessageEdited (None outside a guild, or for webhooks
    and partial updates that carry no content). A message in a thread names the thread's parent channel.

    Every message of the community comes through here: the optional lists (mentions, role mentions,
    attachments), empty on most messages, are read once and turned into tuples only when they hold something."""
    if "guild_id" not in data or "author" not in data or "content" not in data:
        return None
    get = data.get
    if get("webhook_id"):
        return None
    channel_id = str(data["channel_id"])
    reference = get("message_reference")
    replied = reference.get("message_id") if reference else None
    stamp = get("edited_timestamp") if edited else get("timestamp")
    if stamp:
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    else:
        at = now
    mentions, role_mentions, attachments = get("mentions"), get("mention_roles"), get("attachments")
    return (MessageEdited if edited else MessagePosted)(
        platform=DISCORD,
        space_id=str(data["guild_id"]),
        event_id=f"{'edit' if edited else 'message'}:{data['id']}:{stamp or ''}",
        at=at,
        channel=ChannelRef(thread_parent_id or channel_id),
        member=member_of(data["author"], get("member")),
        message_id=str(data["id"]),
        text=data["content"],
        thread_id=channel_id if thread_parent_id else None,
        reply_to_id=str(replied) if replied else None,
        mentioned_user_ids=tuple([str(user["id"]) for user in mentions]) if mentions else (),
        mentioned_role_ids=tuple(map(str, role_mentions)) if role_mentions else (),
        mentions_everyone=bool(get("mention_everyone", False)),
        attachment_count=len(attachments) if attachments else 0,
    )


def message_deleted(data: Payload, now: datetime) -> MessageDeleted | None:
    if "guild_id" not in data:
        return None
    return MessageDeleted(
        platform=DISCORD,
        space_id=str(data["guild_id"]),
        event_id=f"delete:{data['id']}",
        at=now,
        channel=ChannelRef(str(data["channel_id"])),
        message_id=str(data["id"]),
    )


def emoji_text(emoji: Payload) -> str:
    """Unicode emoji as is; a custom emoji as `name:id`, the form the REST API takes back."""
    if emoji.get("id"):
        return f"{emoji.get('name') or '_'}:{emoji['id']}"
    return str(emoji.get("name", ""))


def reaction(data: Payload, now: datetime, *, added: bool, sequence: object = None):
    if "guild_id" not in data:
        return None
    user = (data.get("member") or {}).get("user") or {"id": data["user_id"]}
    emoji = emoji_text(data.get("emoji", {}))
    kind = ReactionAdded if added else ReactionRemoved
    verb = "react" if added else "unreact"
    return kind(
        platform=DISCORD,
        space_id=str(data["guild_id"]),
        event_id=f"{verb}:{data['message_id']}:{data['user_id']}:{emoji}:{sequence}",
        at=now,
        channel=ChannelRef(str(data["channel_id"])),
        member=member_of(user, data.get("member")),
        message_id=str(data["message_id"]),
        emoji=emoji,
        message_author_id=str(data["message_author_id"]) if data.get("message_author_id") else None,
    )


def poll_vote(data: Payload, now: datetime, *, added: bool, sequence: object = None):
    """MESSAGE_POLL_VOTE_ADD / _REMOVE: who voted for which answer of which poll message (ids only: the
    payload carries no member object, so no name and no roles)."""
    if "guild_id" not in data:
        return None
    kind = PollVoteAdded if added else PollVoteRemoved
    verb = "vote" if added else "unvote"
    return kind(
        platform=DISCORD,
        space_id=str(data["guild_id"]),
        event_id=f"{verb}:{data['message_id']}:{data['user_id']}:{data['answer_id']}:{sequence}",
        at=now,
        channel=ChannelRef(str(data["channel_id"])),
        member=Member(id=str(data["user_id"]), display_name=str(data["user_id"])),
        message_id=str(data["message_id"]),
        answer_id=int(data["answer_id"]),
    )


def option_strings(options: list[Payload]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Walk subcommand groups and subcommands: the path below the command, and the options as strings."""
    path: list[str] = []
    values: dict[str, str] = {}
    current = options
    while current:
        first = current[0]
        if first.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            path.append(first["name"])
            current = first.get("options", [])
            continue
        for option in current:
            value = option.get("value")
            if isinstance(value, bool):
                values[option["name"]] = "true" if value else "false"
            elif value is not None:
                values[option["name"]] = str(value)
        break
    return tuple(path), values


def modal_values(components: list[Payload]) -> dict[str, str]:
    """Text inputs of a submitted modal, whether wrapped in action rows (classic) or labels (newer)."""
    values: dict[str, str] = {}
    for row in components:
        children = row.get("components") or ([row["component"]] if row.get("component") else [])
        for child in children:
            if child.get("type") == TEXT_INPUT:
                values[str(child["custom_id"])] = str(child.get("value") or "")
            elif child.get("type") == STRING_SELECT:  # a pick list: the one value chosen (none: empty)
                values[str(child["custom_id"])] = str((child.get("values") or [""])[0])
    return values


def interaction_ref(data: Payload) -> InteractionRef:
    return InteractionRef(platform=DISCORD, token=str(data["id"]))


def interaction_event(data: Payload, report_command_name: str, dm_space_id: str | None = None) -> Event | None:
    """INTERACTION_CREATE -> CommandInvoked, MessageReported, ButtonClicked or ModalSubmitted.

    `report_command_name` is the (English) name of our message context menu command. An interaction in a DM
    (no guild: a button of a message the bot sent privately, and the modal it opened) belongs to the guild
    `dm_space_id` when the caller could tell which one; commands in DMs are not ours.
    """
    if "guild_id" in data and "member" in data:
        member = member_of(data["member"]["user"], data["member"])
        space_id = str(data["guild_id"])
    elif dm_space_id is not None and "user" in data and data.get("type") in (MESSAGE_COMPONENT, MODAL_SUBMIT):
        member = member_of(data["user"])
        space_id = dm_space_id
    else:
        return None
    common: dict[str, Any] = {
        "platform": DISCORD,
        "space_id": space_id,
        "event_id": f"interaction:{data['id']}",
        "at": snowflake_time(data["id"]),
        "channel": ChannelRef(str(data["channel_id"])) if data.get("channel_id") else None,
        "member": member,
        "interaction": interaction_ref(data),
    }
    body = data.get("data") or {}
    kind = data.get("type")
    if kind == APPLICATION_COMMAND and body.get("type") == MESSAGE_COMMAND:
        if body.get("name") != report_command_name or common["channel"] is None:
            return None
        target = body["resolved"]["messages"][str(body["target_id"])]
        return MessageReported(
            **common,
            message_id=str(target["id"]),
            reported_member=member_of(target["author"], (body["resolved"].get("members") or {}).get(
                str(target["author"]["id"]))),
            text=str(target.get("content", "")),
        )
    if kind == APPLICATION_COMMAND:
        path, options = option_strings(body.get("options", []))
        return CommandInvoked(**common, path=(body["name"], *path), options=options)
    if kind == MESSAGE_COMPONENT and body.get("component_type") == BUTTON:
        message = data.get("message") or {}
        return ButtonClicked(**common, custom_id=str(body["custom_id"]), message_id=str(message.get("id", "")))
    if kind == MODAL_SUBMIT:
        values = modal_values(body.get("components", []))
        return ModalSubmitted(**common, custom_id=str(body["custom_id"]), values=values)
    return None
