"""Printing the bot's messages in the terminal, one block per message, prefixed by where it appears."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from bot.actions import Content
from bot.i18n import Catalogue
from bot.platforms.console.words import Words
from bot.text import Link, Markup, MentionChannel, MentionUser, Plain, Strong, Text


def render_text(text: Text, name_of: Callable[[str], str]) -> str:
    """The spans as the terminal shows them, each looked up by its exact type (a card has a dozen spans, and a
    chain of `isinstance` tests cost more than the join)."""
    return "".join([span.value if type(span) is Plain else _RENDER_OF[type(span)](span, name_of)
                    for span in text.spans])


def shown_and_kept(text: Text, name_of: Callable[[str], str]) -> tuple[str, str]:
    """The text as the terminal shows it (`render_text`) and as the console keeps it (`Text.plain`). A text of
    one plain or markup span (a scheduled post, most answers) is both at once, with no pass over its spans."""
    spans = text.spans
    if len(spans) == 1 and isinstance(span := spans[0], _SHOWN_AS_KEPT):
        return span.value, span.value
    return render_text(text, name_of), text.plain()


_RENDER_OF: dict[type, Callable[[Any, Callable[[str], str]], str]] = {
    Plain: lambda span, name_of: span.value,
    Markup: lambda span, name_of: span.value,
    Strong: lambda span, name_of: f"*{span.value}*",
    MentionUser: lambda span, name_of: f"@{name_of(span.user_id)}",
    MentionChannel: lambda span, name_of: f"#{span.channel_id}",
    Link: lambda span, name_of: f"{span.label} <{span.url}>" if span.label else span.url,
}


def render_content(content: Content, name_of: Callable[[str], str], words: Words | None = None,
                   text: str | None = None) -> str:
    """The whole message as lines: title, body, fields, footer, image, attachments, buttons; the console's own
    words (« Statut : », [image : …]) in the community's language and typography. `text`: the body already
    rendered, when the caller has it."""
    if not (content.title or content.fields or content.footer or content.image_path or content.attachment_urls
            or content.buttons):  # the body alone (a scheduled post): nothing else to look at
        if not content.text.spans:
            return (words or Words())("empty")
        return render_text(content.text, name_of) if text is None else text
    words = words or Words()
    lines: list[str] = []
    if content.title:
        lines.append(f"== {render_text(content.title, name_of)} ==")
    if content.text.spans:
        lines.append(render_text(content.text, name_of) if text is None else text)
    catalogue, locale = words.catalogue, words.locale
    for item in content.fields:  # a card has half a dozen: the field's words come from a cache, its value as is
        before, after = _field_frame_of(catalogue, locale, item.name)
        spans = item.value.spans
        value = spans[0].value if len(spans) == 1 and type(spans[0]) is Plain else render_text(item.value, name_of)
        field = f"  • {before}{value}{after}"
        lines.append(field.replace("\n", FIELD_BREAK) if "\n" in field else field)  # further lines under it
    if content.footer:
        lines.append(f"  ({render_text(content.footer, name_of)})")
    if content.image_path:
        lines.append("  " + words("image", path=content.image_path))
    for url in content.attachment_urls:
        lines.append("  " + words("attachment", url=url))
    if content.buttons:
        lines.append("  " + " ".join(f"[{b.label}]" for b in content.buttons))
    return "\n".join(lines) if lines else words("empty")


@lru_cache(maxsize=1024)
def _field_frame_of(catalogue: Catalogue, locale: str, name: str) -> tuple[str, str]:
    """What the console writes before and after a field's value (« Statut : »): the field's words rendered once
    per locale and label, since every card shows the same few labels. The value is put between the two parts
    as it is, as the template would put it."""
    framed = catalogue.string(locale, "console.field", name=name, value=VALUE_MARK)
    before, _, after = framed.partition(VALUE_MARK)
    return before, after


VALUE_MARK = "\x00value\x00"
_SHOWN_AS_KEPT = (Plain, Markup)  # span types the terminal shows as `Text.plain` keeps them: their value


FIELD_BREAK = "\n    "  # a field's further lines start under its name


def indent_after_first(block: str, prefix_width: int) -> str:
    """`block` with every line but the first pushed right by `prefix_width` spaces (one pass, in C: a card's
    block is printed under its `[#channel] cmbot: ` prefix)."""
    return block.replace("\n", "\n" + " " * prefix_width) if "\n" in block else block
