"""Frozen domain events: what happened in a community, with no trace of the platform library.

Platform adapters build these from gateway payloads, Slack events or console lines; handlers read them. Every
event names the platform, the *space* it came from (a Discord guild id, a Slack team id, the console's
simulated space) and carries a timezone-aware timestamp. The community that owns the space is resolved by the
dispatcher, not stored here, so an adapter never needs to know our configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType


class PlatformName(StrEnum):
    DISCORD = "discord"
    SLACK = "slack"
    CONSOLE = "console"


@dataclass(frozen=True, slots=True)
class Member:
    """Who acted. `roles` holds platform role ids (Discord roles, Slack user-group ids, console role names)."""

    id: str
    display_name: str
    roles: frozenset[str] = frozenset()
    is_bot: bool = False
    joined_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChannelRef:
    id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class InteractionRef:
    """Opaque handle on a platform interaction (slash command, button, shortcut) that an answer must use.

    Only the adapter that created it knows what `token` means (a Discord interaction id, a Slack response URL
    key, a console prompt); handlers pass it back unchanged inside `Answer` / `OpenModal` actions.
    """

    platform: PlatformName
    token: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Fields every event carries."""

    platform: PlatformName
    space_id: str
    event_id: str
    at: datetime
    channel: ChannelRef | None = None
    member: Member | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("event timestamps must be timezone-aware")


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    """A member joined. `member_count` is the space's size after the join, when the platform knows it (a
    Discord guild does; Slack does not tell), so a welcome can say how many we are."""

    member: Member
    member_count: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(Event):
    member: Member


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageBase(Event):
    """The fields of a message with its text, shared by `MessagePosted` and `MessageEdited`. Not an event of its
    own: nothing emits it and the dispatcher refuses a subscription to it. `text` is the content as the platform
    gave it; handlers must not persist it for analytics."""

    channel: ChannelRef
    member: Member
    message_id: str
    text: str
    thread_id: str | None = None
    reply_to_id: str | None = None
    mentioned_user_ids: tuple[str, ...] = ()
    mentioned_role_ids: tuple[str, ...] = ()
    mentions_everyone: bool = False
    attachment_count: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(MessageBase):
    """A new message."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEdited(MessageBase):
    """An edit: carries the new text; moderation checks it again. Not a post: engagement does not count it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageDeleted(Event):
    channel: ChannelRef
    message_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionBase(Event):
    """The fields of a reaction, shared by `ReactionAdded` and `ReactionRemoved`; not an event of its own."""

    channel: ChannelRef
    member: Member
    message_id: str
    emoji: str
    message_author_id: str | None = None  # who wrote the message reacted to, when the platform says


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionAdded(ReactionBase):
    """A member reacted to a message."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionRemoved(ReactionBase):
    """A member took a reaction back. Not an addition: engagement does not count it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PollVoteBase(Event):
    """The fields of a vote on a platform's native poll (Discord), shared by `PollVoteAdded` and
    `PollVoteRemoved`; not an event of its own. `answer_id` is the platform's id of the answer (1 for the
    first on Discord)."""

    channel: ChannelRef
    member: Member
    message_id: str
    answer_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PollVoteAdded(PollVoteBase):
    """A member voted for one answer of a native poll."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PollVoteRemoved(PollVoteBase):
    """A member took a vote back. Not an addition: the tally subtracts it."""


def _frozen_options(options: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(options))


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked(Event):
    """A slash command. `path` is the command and its subcommands, e.g. ("post", "draft")."""

    member: Member
    path: tuple[str, ...]
    options: Mapping[str, str] = field(default_factory=dict)
    interaction: InteractionRef

    def __post_init__(self) -> None:
        Event.__post_init__(self)
        object.__setattr__(self, "options", _frozen_options(self.options))


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonClicked(Event):
    """A click on a button the bot posted. `custom_id` is the id the handler chose (`feature:verb:arg`)."""

    member: Member
    custom_id: str
    message_id: str
    interaction: InteractionRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ModalSubmitted(Event):
    member: Member
    custom_id: str
    values: Mapping[str, str] = field(default_factory=dict)
    interaction: InteractionRef

    def __post_init__(self) -> None:
        Event.__post_init__(self)
        object.__setattr__(self, "values", _frozen_options(self.values))


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageReported(Event):
    """A member used "Report to moderators" on a message. `member` is the reporter, kept private."""

    channel: ChannelRef
    member: Member
    message_id: str
    reported_member: Member
    text: str
    interaction: InteractionRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InvitesSeen(Event):
    """The use count of every invite link of a space, read after the joins in `joined` (member id, join time
    in epoch seconds), or at connection when `joined` is empty. `uses` is None when the platform would not say
    (Discord without the Manage Server permission). `refresh` grows with each reading of the space, so a
    handler can tell a late reading from a newer one."""

    uses: Mapping[str, int] | None
    joined: tuple[tuple[str, int], ...] = ()
    refresh: int = 0

    def __post_init__(self) -> None:
        Event.__post_init__(self)
        if self.uses is not None:
            object.__setattr__(self, "uses", MappingProxyType(dict(self.uses)))


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteCreated(Event):
    """An invite link was created (by anyone, the bot included), with its use count so far."""

    code: str
    uses: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteDeleted(Event):
    code: str
