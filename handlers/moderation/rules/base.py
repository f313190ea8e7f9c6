"""What every rule shares: the message facts it reads, the hit it returns, and the severity scale.

`MessageFacts` is built once per message and normalises the text lazily, the first time a word-list rule asks,
so rules that only look at mentions or timing never pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers.moderation.language import detect
from handlers.moderation.normalise import Normalised, normalise
from handlers.moderation.severity import Severity


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule's finding. `detail` is for moderators (the category, the domain), never shown to the member."""

    rule: str
    severity: Severity
    detail: str = ""


class MessageFacts:
    """A message as rules see it, independent of the platform and of the event type (post or edit)."""

    __slots__ = ("_language", "_normalised", "at", "channel_id", "edit", "joined_at", "member_id", "mentioned_role_ids",
                 "mentioned_user_ids", "mentions_everyone", "roles", "space_id", "text")  # fmt: skip

    def __init__(
        self,
        text: str,
        *,
        member_id: str = "",
        channel_id: str = "",
        space_id: str = "",
        roles: frozenset[str] = frozenset(),
        at: datetime | None = None,
        joined_at: datetime | None = None,
        mentioned_user_ids: tuple[str, ...] = (),
        mentioned_role_ids: tuple[str, ...] = (),
        mentions_everyone: bool = False,
        edit: bool = False,
    ) -> None:
        self.text = text
        self.member_id = member_id
        self.channel_id = channel_id
        self.space_id = space_id
        self.roles = roles
        self.at = at
        self.joined_at = joined_at
        self.mentioned_user_ids = mentioned_user_ids
        self.mentioned_role_ids = mentioned_role_ids
        self.mentions_everyone = mentions_everyone
        self.edit = edit  # an edit is checked again, but is not one more message for flood counts
        self._normalised: Normalised | None = None
        self._language: str | None = None

    @property
    def language(self) -> str:
        """ "fr", "en" or "unknown", from the message's function words (see `language.detect`)."""
        if self._language is None:
            self._language = detect(self.normalised.words)
        return self._language

    @property
    def normalised(self) -> Normalised:
        if self._normalised is None:
            self._normalised = normalise(self.text)
        return self._normalised


class Rule(Protocol):
    name: str

    def check(self, message: MessageFacts) -> Hit | None: ...
