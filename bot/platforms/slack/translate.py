"""Slack payloads -> the core's frozen events. Pure functions: no network, no rules, no wording.

Events API deliveries carry an envelope `event_id` that Slack keeps when it retries; it becomes `Event.event_id`
so the core's de-duplication drops the retry. Interactions (slash commands, shortcuts, buttons, modals) are not
retried by Slack; their `trigger_id` is unique per user action and serves as their id.

Which Slack users count as "members who joined the community": `member_joined_channel` on the community's
welcome channel (make it a default channel, so a new member lands there when they accept the invitation).
`team_join` is not used to welcome anyone: it fires when an invitation is sent, before the person accepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.events import (
    ButtonClicked,
    ChannelRef,
    CommandInvoked,
    InteractionRef,
    Member,
    MemberJoined,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageReported,
    ModalSubmitted,
    PlatformName,
    ReactionAdded,
    ReactionRemoved,
)

Payload = Mapping[str, Any]
SLACK = PlatformName.SLACK
# message subtypes that are a member writing something; every other subtype (joins, topic changes, bot
# messages…) is not a member's message.
POSTED_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_GROUP_MENTION = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")
_BROADCAST = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>")


def slack_time(ts: str | float | None) -> datetime:
    """A Slack timestamp ("1700000000.000200") as an aware datetime; now when absent."""
    if ts in (None, ""):
        return datetime.now(UTC)
    return datetime.fromtimestamp(float(ts), UTC)


def team_of(body: Payload) -> str:
    """The workspace id of any payload shape (events, slash commands, interactions)."""
    team = body.get("team_id") or body.get("team") or (body.get("user") or {}).get("team_id") or ""
    return team.get("id", "") if isinstance(team, Mapping) else str(team)


def _base(body: Payload, event_id: str, at: datetime) -> dict[str, Any]:
    return {"platform": SLACK, "space_id": team_of(body), "event_id": event_id, "at": at}


def member_joined(body: Payload, member: Member) -> MemberJoined:
    event = body["event"]
    at = slack_time(body.get("event_time"))
    return MemberJoined(member=member, channel=ChannelRef(event["channel"]), **_base(body, body["event_id"], at))


def author_id(event: Payload) -> str | None:
    """Who wrote a message event; None for bot messages and system subtypes, which the bot ignores."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        inner = event.get("message") or {}
        return None if inner.get("bot_id") or inner.get("subtype") == "bot_message" else inner.get("user")
    if subtype == "message_deleted":
        return None
    if event.get("bot_id") or subtype not in POSTED_SUBTYPES:
        return None
    return event.get("user")


def _mentions(text: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    users = tuple(dict.fromkeys(_USER_MENTION.findall(text)))
    groups = tuple(dict.fromkeys(_GROUP_MENTION.findall(text)))
    return users, groups, bool(_BROADCAST.search(text))


def _posted_fields(message: Payload) -> dict[str, Any]:
    text = message.get("text") or ""
    users, groups, broadcast = _mentions(text)
    thread = message.get("thread_ts")
    in_thread = thread is not None and thread != message.get("ts")
    return {
        "message_id": message["ts"],
        "text": text,
        "thread_id": thread if in_thread else None,
        "reply_to_id": thread if in_thread else None,
        "mentioned_user_ids": users,
        "mentioned_role_ids": groups,
        "mentions_everyone": broadcast,
        "attachment_count": len(message.get("files") or ()),
    }


def message_event(body: Payload, member: Member | None) -> MessagePosted | MessageEdited | MessageDeleted | None:
    """A `message` event of any subtype; None when it is not something a member did (or changed nothing)."""
    event = body["event"]
    channel = ChannelRef(event["channel"])
    base = _base(body, body["event_id"], slack_time(event.get("event_ts") or event.get("ts")))
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        return MessageDeleted(channel=channel, message_id=event["deleted_ts"], **base)
    if member is None:
        return None
    if subtype == "message_changed":
        new, old = event.get("message") or {}, event.get("previous_message") or {}
        if new.get("text") == old.get("text"):  # an unfurl or a reaction count: nothing was edited
            return None
        return MessageEdited(channel=channel, member=member, **_posted_fields(new), **base)
    return MessagePosted(channel=channel, member=member, **_posted_fields(event), **base)


def reaction_event(body: Payload, member: Member) -> ReactionAdded | ReactionRemoved | None:
    event = body["event"]
    item = event.get("item") or {}
    if item.get("type") != "message":
        return None
    kind = ReactionAdded if event["type"] == "reaction_added" else ReactionRemoved
    return kind(
        channel=ChannelRef(item["channel"]),
        member=member,
        message_id=item["ts"],
        emoji=event["reaction"],
        message_author_id=event.get("item_user") or None,
        **_base(body, body["event_id"], slack_time(event.get("event_ts"))),
    )


def interaction_id(body: Payload) -> str:
    """A stable id for an interaction: its trigger id, else the action's timestamp."""
    if body.get("trigger_id"):
        return str(body["trigger_id"])
    actions = body.get("actions") or [{}]
    return f"{body.get('type', 'interaction')}:{actions[0].get('action_ts', '')}:{(body.get('user') or {}).get('id')}"


def command_invoked(body: Payload, member: Member, path: tuple[str, ...], options: Mapping[str, str],
                    ref: InteractionRef) -> CommandInvoked:
    """A `/cmbot` call; its id is the interaction's, as Slack never retries a slash command."""
    return CommandInvoked(
        channel=ChannelRef(body.get("channel_id", ""), body.get("channel_name", "")),
        member=member,
        path=path,
        options=dict(options),
        interaction=ref,
        **_base(body, ref.token, datetime.now(UTC)),
    )


def message_reported(body: Payload, reporter: Member, reported: Member, ref: InteractionRef) -> MessageReported:
    message = body.get("message") or {}
    return MessageReported(
        channel=ChannelRef((body.get("channel") or {}).get("id", ""), (body.get("channel") or {}).get("name", "")),
        member=reporter,
        message_id=message.get("ts", ""),
        reported_member=reported,
        text=message.get("text") or "",
        interaction=ref,
        **_base(body, interaction_id(body), slack_time(body.get("action_ts"))),
    )


def button_clicked(body: Payload, member: Member, ref: InteractionRef) -> ButtonClicked | None:
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    container = body.get("container") or {}
    channel_id = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return ButtonClicked(
        channel=ChannelRef(channel_id) if channel_id else None,
        member=member,
        custom_id=action.get("value") or action.get("action_id", ""),
        message_id=(body.get("message") or {}).get("ts") or container.get("message_ts", ""),
        interaction=ref,
        **_base(body, interaction_id(body), slack_time(action.get("action_ts"))),
    )


def modal_values(view: Payload) -> dict[str, str]:
    """The submitted inputs, by input id (each input block holds one element whose action id is the input id)."""
    values: dict[str, str] = {}
    for block in ((view.get("state") or {}).get("values") or {}).values():
        for action_id, element in block.items():
            value = element.get("value")
            if element.get("type") == "static_select":  # a pick list: the chosen option's value
                value = (element.get("selected_option") or {}).get("value")
            values[action_id] = "" if value is None else str(value)
    return values


def modal_submitted(body: Payload, member: Member, ref: InteractionRef, channel_id: str | None) -> ModalSubmitted:
    view = body.get("view") or {}
    event_id = body.get("trigger_id") or f"view:{view.get('id', '')}:{view.get('hash', '')}"
    return ModalSubmitted(
        channel=ChannelRef(channel_id) if channel_id else None,
        member=member,
        custom_id=view.get("callback_id", ""),
        values=modal_values(view),
        interaction=ref,
        **_base(body, str(event_id), datetime.now(UTC)),
    )
