"""Frozen domain actions: what the bot wants done, which the platform adapter carries out.

Handlers return these; adapters translate them into one platform call each and answer with an
`ActionResult`. Actions carry platform ids (channel, message, member) but never a platform object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.events import InteractionRef
from bot.text import Text


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"
    SUCCESS = "success"


@dataclass(frozen=True, slots=True)
class Button:
    """A button on a bot message. `custom_id` routes the click back to a handler (`feature:verb:arg`)."""

    custom_id: str
    label: str
    style: ButtonStyle = ButtonStyle.SECONDARY


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled figure in a rich message (a report metric, a flag's rule)."""

    name: str
    value: Text
    inline: bool = True


@dataclass(frozen=True, slots=True)
class PollSpec:
    """A poll the platform runs natively (Discord): its question, 2–10 answers, how long it stays open, and
    whether a member may pick several answers. Question and answers are members' words to the adapter: shown
    as plain text, never as markup. Only platforms with `Capability.NATIVE_POLLS` receive one."""

    question: str
    answers: tuple[str, ...]
    duration: timedelta
    multiple: bool = False


@dataclass(frozen=True, slots=True)
class FileAttachment:
    """A file the bot makes and sends with a message (a member's data export), held in memory: Discord uploads
    it with the message (multipart), Slack beside it through its external upload API, the console writes it to
    a file only its owner can read (mode 0600) and prints the path."""

    filename: str  # a plain name, no folder: `cmbot-export-demo-2026-11-23.json`
    data: bytes
    mime_type: str = "application/octet-stream"

    def __post_init__(self) -> None:
        if not self.filename or "/" in self.filename or "\\" in self.filename or self.filename.startswith("."):
            raise ValueError(f"{self.filename!r} is not a plain file name")


@dataclass(frozen=True, slots=True)
class Content:
    """What a message shows. Adapters render it as a Discord embed / Slack blocks / console lines.

    `text` is the main body; `title`, `fields`, `footer` and `image_path` make it a card when present.
    `attachment_urls` are links to media shown with the message; `files` are files sent with it (a platform
    that cannot deliver one fails the action rather than send the message without it).
    """

    text: Text = field(default_factory=Text)
    title: Text | None = None
    fields: tuple[Field, ...] = ()
    footer: Text | None = None
    image_path: str | None = None
    buttons: tuple[Button, ...] = ()
    attachment_urls: tuple[str, ...] = ()
    poll: PollSpec | None = None  # a native poll under the message (platforms with `Capability.NATIVE_POLLS`)
    files: tuple[FileAttachment, ...] = ()

    def mentioned_user_ids(self) -> tuple[str, ...]:
        return self.text.mentioned_user_ids()


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """Base of all actions."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Post(Action):
    """Post in a channel. Only the members mentioned in `content.text` may be pinged.

    `idempotency_key`, when set, lets the adapter avoid a duplicate on retry (Discord nonce).
    """

    channel_id: str
    content: Content
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyInThread(Action):
    channel_id: str
    parent_message_id: str
    content: Content


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectMessage(Action):
    """A private message; when the member's DMs are closed, post in `fallback_channel_id` instead (if set)."""

    member_id: str
    content: Content
    fallback_channel_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteMessage(Action):
    channel_id: str
    message_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class React(Action):
    channel_id: str
    message_id: str
    emoji: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeoutMember(Action):
    """Mute a member for a while. Only platforms with `Capability.TIMEOUT` can do it."""

    member_id: str
    duration: timedelta
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ModalInput:
    custom_id: str
    label: str
    multiline: bool = False
    required: bool = True
    default: str = ""
    max_length: int | None = None
    # (value, label) pairs: a pick list instead of free text (the submitted value is the chosen `value`)
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenModal(Action):
    interaction: InteractionRef
    custom_id: str
    title: str
    inputs: tuple[ModalInput, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer(Action):
    """Answer an interaction (slash command, button, modal). Ephemeral answers are seen by the caller only."""

    interaction: InteractionRef
    content: Content
    ephemeral: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class EditMessage(Action):
    """Replace a bot message's content (a moderation card once decided)."""

    channel_id: str
    message_id: str
    content: Content


@dataclass(frozen=True, slots=True, kw_only=True)
class FindPost(Action):
    """Look for a post the bot made in `channel_id` with `idempotency_key` since `since` (crash recovery).

    Found: `ActionResult.done(message_id)`. Not found: a failed, permanent result with error "not found".
    Platforms without `Capability.MESSAGE_LOOKUP` answer a failed, non-permanent result. `content` is the post
    as it was sent, for a platform whose history cannot return the key (Discord recognises its own message by
    author, time and text); `taken` lists message ids already attributed to other posts, never this one.
    """

    channel_id: str
    idempotency_key: str
    since: datetime
    content: Content | None = None
    taken: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateInvite(Action):
    """Create a permanent invite link to the community in `channel_id` (Discord). A new link every time
    (`unique`), never expiring, unlimited uses: campaigns print these links in bios and newsletters.
    Done: `ActionResult.ref` holds the invite code. Platforms without `Capability.INVITES` fail it permanently.
    """

    channel_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClosePoll(Action):
    """End the native poll under a bot message now (Discord). Done: `ActionResult.counts` holds the platform's
    final count per answer, in the answers' order. Platforms without `Capability.NATIVE_POLLS` fail it
    permanently (their polls are buttons, which the poll's owner edits away itself)."""

    channel_id: str
    message_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadPollVoters(Action):
    """Who voted for each answer of a native poll, as the platform itself counts them (platforms with
    `Capability.NATIVE_POLLS`). cmbot's live count is built from the platform's vote events, which a stop or a
    gateway gap can miss; this list sets it right. `answers` is how many answers the poll has."""

    channel_id: str
    message_id: str
    answers: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantRole(Action):
    """Give a member a role: a guild role on Discord, membership of a user group (S…) on Slack, a role name on the
    console. Giving a role the member already holds is done, not an error. Done: `ActionResult.done()`."""

    member_id: str
    role_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeRole(Action):
    """Take a role back (see `GrantRole`); taking one the member does not hold is done, not an error."""

    member_id: str
    role_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What a platform did with an action.

    `permanent` tells a failed action that retrying cannot help (missing permission, unknown channel), as
    opposed to a transient failure (rate limit, 5xx, timeout).
    """

    ok: bool
    message_id: str | None = None
    channel_id: str | None = None
    error: str | None = None
    permanent: bool = False
    ref: str | None = None  # what the action created when it is not a message (an invite code)
    retried: bool = False  # the platform's library already retried this transient failure as far as it goes
    counts: tuple[int, ...] | None = None  # a closed native poll's final votes per answer (`ClosePoll`)
    gone: bool = False  # the member, role or group acted on is no longer there: there is nothing left to undo
    voters: tuple[tuple[str, ...], ...] | None = None  # a native poll's voters per answer (`ReadPollVoters`)

    @classmethod
    def done(cls, message_id: str | None = None, channel_id: str | None = None, ref: str | None = None,
             counts: tuple[int, ...] | None = None) -> ActionResult:
        return cls(ok=True, message_id=message_id, channel_id=channel_id, ref=ref, counts=counts)

    @classmethod
    def failed(cls, error: str, *, permanent: bool, retried: bool = False, gone: bool = False) -> ActionResult:
        """`retried`: the library behind the adapter (discord.py's 5xx and 429 loops, slack-sdk's rate-limit
        handler) already retried; a caller that retried again would multiply the requests, so it stops.
        `gone`: the platform says the target does not exist (a member who left, a deleted role)."""
        return cls(ok=False, error=error, permanent=permanent or gone, retried=retried, gone=gone)


AnyAction = Post | ReplyInThread | DirectMessage | DeleteMessage | React | TimeoutMember | OpenModal | Answer | \
    EditMessage | FindPost | CreateInvite | ClosePoll | ReadPollVoters | GrantRole | RevokeRole
"""Every concrete action. Each adapter's `execute` matches on it and ends with `typing.assert_never`, so an
action added here and not carried out by an adapter is a type error there (and `tests/core` checks that every
`Action` subclass is listed)."""


def concrete(action: Action) -> AnyAction:
    """`action` as the union adapters match on; an `Action` subclass missing from `AnyAction` is a bug."""
    if not isinstance(action, AnyAction):
        raise TypeError(f"{type(action).__name__} is not listed in bot.actions.AnyAction")
    return action
