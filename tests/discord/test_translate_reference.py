"""The gateway translation of members and messages, held to the straightforward version it replaced.

`member_of` and `message_event` run for every event the gateway sends, so they were rewritten to read each
field once and build nothing they do not keep. The reference below is the former code, word for word: on any
payload Discord can send (optional fields present, absent or empty, threads, replies, edits, naive and aware
timestamps), both must build the same event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from bot.events import ChannelRef, Member, MessageEdited, MessagePosted, PlatformName
from bot.platforms.discord import translate

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def reference_member_of(user: Mapping[str, Any], member: Mapping[str, Any] | None = None) -> Member:
    member = member or {}
    name = member.get("nick") or user.get("global_name") or user.get("username") or str(user.get("id", ""))
    joined = member.get("joined_at")
    return Member(
        id=str(user["id"]),
        display_name=name,
        roles=frozenset(str(r) for r in member.get("roles", ())),
        is_bot=bool(user.get("bot", False)),
        joined_at=datetime.fromisoformat(joined) if joined else None,
    )


def reference_parse_time(value: str | None, fallback: datetime) -> datetime:
    if not value:
        return fallback
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def reference_message_event(data: Mapping[str, Any], now: datetime, *, thread_parent_id: str | None = None,
                            edited: bool = False):
    if "guild_id" not in data or "author" not in data or "content" not in data or data.get("webhook_id"):
        return None
    channel_id = str(data["channel_id"])
    reference = data.get("message_reference") or {}
    kind = MessageEdited if edited else MessagePosted
    stamp = data.get("edited_timestamp") if edited else data.get("timestamp")
    return kind(
        platform=PlatformName.DISCORD,
        space_id=str(data["guild_id"]),
        event_id=f"{'edit' if edited else 'message'}:{data['id']}:{stamp or ''}",
        at=reference_parse_time(stamp, now),
        channel=ChannelRef(thread_parent_id or channel_id),
        member=reference_member_of(data["author"], data.get("member")),
        message_id=str(data["id"]),
        text=data["content"],
        thread_id=channel_id if thread_parent_id else None,
        reply_to_id=str(reference["message_id"]) if reference.get("message_id") else None,
        mentioned_user_ids=tuple(str(u["id"]) for u in data.get("mentions", ())),
        mentioned_role_ids=tuple(str(r) for r in data.get("mention_roles", ())),
        mentions_everyone=bool(data.get("mention_everyone", False)),
        attachment_count=len(data.get("attachments", ())),
    )


snowflakes = st.one_of(st.integers(min_value=1, max_value=2**63 - 1).map(str),
                       st.integers(min_value=1, max_value=2**63 - 1))
stamps = st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2100, 1, 1)).flatmap(
    lambda moment: st.sampled_from([moment.isoformat(), moment.replace(tzinfo=UTC).isoformat()]))


def optional(key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`{key: value}` or nothing: Discord leaves many fields out."""
    return st.one_of(st.just({}), values.map(lambda value: {key: value}))


def merged(*parts: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})


names = st.one_of(st.none(), st.just(""), st.text(max_size=12))
users = merged(st.fixed_dictionaries({"id": snowflakes}), optional("username", names),
               optional("global_name", names), optional("bot", st.booleans()))
members = st.one_of(st.none(), st.just({}), merged(
    optional("nick", names), optional("roles", st.lists(snowflakes, max_size=4)),
    optional("joined_at", st.one_of(st.none(), stamps))))
messages = merged(
    st.fixed_dictionaries({"id": snowflakes, "channel_id": snowflakes, "author": users,
                           "content": st.text(max_size=20)}),
    optional("guild_id", snowflakes),
    optional("member", members),
    optional("webhook_id", st.one_of(st.none(), snowflakes)),
    optional("timestamp", st.one_of(st.none(), st.just(""), stamps)),
    optional("edited_timestamp", st.one_of(st.none(), stamps)),
    optional("message_reference",
             st.one_of(st.none(), merged(optional("message_id", st.one_of(st.none(), snowflakes))))),
    optional("mentions", st.lists(st.fixed_dictionaries({"id": snowflakes}), max_size=3)),
    optional("mention_roles", st.lists(snowflakes, max_size=3)),
    optional("mention_everyone", st.booleans()),
    optional("attachments", st.lists(st.just({}), max_size=3)),
)


@given(users, members)
@example({"id": "42"}, None)
@example({"id": 42, "username": "zoe"}, {"nick": "", "roles": [], "joined_at": None})
def test_member_of_builds_what_the_former_code_built(user, member):
    assert translate.member_of(user, member) == reference_member_of(user, member)


@given(messages, st.one_of(st.none(), snowflakes.map(str)), st.booleans())
@example({"id": "1", "channel_id": "2", "author": {"id": "3"}, "content": "", "guild_id": "4"}, None, False)
@example({"id": "1", "channel_id": "2", "author": {"id": "3"}, "content": "x", "guild_id": "4",
          "timestamp": "2026-11-23T08:59:00", "message_reference": {}, "mentions": [], "attachments": []}, None, False)
def test_message_event_builds_what_the_former_code_built(data, parent, edited):
    ours = translate.message_event(data, NOW, thread_parent_id=parent, edited=edited)
    assert ours == reference_message_event(data, NOW, thread_parent_id=parent, edited=edited)
    if ours is not None:
        assert ours.at.tzinfo is not None
