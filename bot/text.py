"""Platform-neutral rich text.

Handlers never write Discord markdown or Slack mrkdwn themselves: they build a `Text`, a tuple of spans, and
each adapter renders it. The split matters for safety: a `Plain` span may hold a member's words and is always
escaped by the adapter (so "@everyone" or "<!channel>" typed by a member stays inert), while `Markup` is
reserved for text an SMM wrote on purpose in the platform's own syntax (a scheduled post's variant).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Plain:
    """Text shown as is; adapters escape every markup character in it."""

    value: str


@dataclass(frozen=True, slots=True)
class Strong:
    """Emphasised text (bold); its content is escaped like `Plain`."""

    value: str


@dataclass(frozen=True, slots=True)
class MentionUser:
    """A ping of one member by platform id; the only kind of mention the bot may emit."""

    user_id: str


@dataclass(frozen=True, slots=True)
class MentionChannel:
    """A link to a channel by platform id (never a ping)."""

    channel_id: str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink; the label is escaped, the URL is passed as is."""

    url: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Markup:
    """Trusted, already platform-formatted text (an SMM's post body). Never built from members' input."""

    value: str


Span = Plain | Strong | MentionUser | MentionChannel | Link | Markup


@dataclass(frozen=True, slots=True)
class Text:
    """An immutable sequence of spans."""

    spans: tuple[Span, ...] = ()

    @classmethod
    def of(cls, *parts: Span | str | Text) -> Text:
        """Build a Text from spans, plain strings (taken as `Plain`) and other Texts."""
        spans: list[Span] = []
        for part in parts:
            if isinstance(part, Text):
                spans.extend(part.spans)
            elif isinstance(part, str):
                if part:
                    spans.append(Plain(part))
            else:
                spans.append(part)
        return cls(tuple(spans))

    def __add__(self, other: Text | Span | str) -> Text:
        return Text.of(self, other)

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def mentioned_user_ids(self) -> tuple[str, ...]:
        """Ids of the members this text pings: what a Discord send must allow, and nothing more."""
        return tuple(dict.fromkeys(s.user_id for s in self.spans if isinstance(s, MentionUser)))

    def plain(self) -> str:
        """A markup-free rendering, for logs, the console and length checks.

        Looked up by the span's exact type: every card and every console line goes through here, and a chain
        of `isinstance` tests over union types cost several times the join itself."""
        return "".join([_PLAIN_OF[type(span)](span) for span in self.spans])


def _link_plain(span: Link) -> str:
    return f"{span.label} ({span.url})" if span.label else span.url


_PLAIN_OF: dict[type, Callable[[Any], str]] = {
    Plain: lambda span: span.value,
    Strong: lambda span: span.value,
    Markup: lambda span: span.value,
    MentionUser: lambda span: f"@{span.user_id}",
    MentionChannel: lambda span: f"#{span.channel_id}",
    Link: _link_plain,
}


def join(texts: Iterable[Text | str], separator: str = "\n") -> Text:
    """Join several texts with a plain separator."""
    parts: list[Text | str] = []
    for index, item in enumerate(texts):
        if index:
            parts.append(separator)
        parts.append(item)
    return Text.of(*parts)
