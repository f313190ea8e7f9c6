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
from handlers.moderation.spam import has_digit
from handlers.moderation.urls import Link, find_links, has_link

MAX_LINKS = 50  # a wall of links is judged on its first fifty


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule's finding. `detail` is for moderators (the category, the domain), never shown to the member."""

    rule: str
    severity: Severity
    detail: str = ""


class MessageFacts:
    """A message as rules see it, independent of the platform and of the event type (post or edit)."""

    __slots__ = ("_has_digit", "_has_link", "_language", "_links", "_normalised", "at", "channel_id", "edit",
                 "joined_at", "member_id", "mentioned_role_ids", "mentioned_user_ids", "mentions_everyone", "roles",
                 "space_id", "text")  # fmt: skip

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
        self._has_link: bool | None = None
        self._has_digit: bool | None = None
        self._links: tuple[Link, ...] | None = None

    @property
    def has_link(self) -> bool:
        """`urls.has_link` of the text, asked once per message (the triage, the spam, newcomer and link rules
        and the spam model's shape all need it)."""
        if self._has_link is None:
            self._has_link = has_link(self.text)
        return self._has_link

    @property
    def has_digit(self) -> bool:
        """`spam.has_digit` of the text, asked once per message (the triage and the spam rule need it)."""
        if self._has_digit is None:
            self._has_digit = has_digit(self.text)
        return self._has_digit

    @property
    def links(self) -> tuple[Link, ...]:
        """The first `MAX_LINKS` links of the text (`urls.find_links`), found once per message."""
        if self._links is None:
            found: list[Link] = []
            for link in find_links(self.text):
                if len(found) >= MAX_LINKS:
                    break
                found.append(link)
            self._links = tuple(found)
        return self._links

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
