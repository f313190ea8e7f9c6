"""The inbox card: what the CMs see of one feedback, redrawn from the store after every decision.

The author is named, never pinged; their words are a `Plain` span (escaped by every adapter, so « @everyone »
stays text). The footer says who acknowledged, answered and closed it, and when; only the buttons that still
make sense remain (none once it is closed). A message taken from a channel is shown as a link, never copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from bot.actions import Button, ButtonStyle, Content, Field
from bot.i18n import Catalogue
from bot.text import Link, MentionChannel, Text, join
from handlers.feedback.inbox import ALLOWED_FROM, Decision, Item

KIND_MARKS = {"idea": "💡", "bug": "🐞", "praise": "👏", "complaint": "😟", "unsorted": "📝"}
BUTTON_STYLES = {"ack": ButtonStyle.PRIMARY, "answer": ButtonStyle.SUCCESS, "done": ButtonStyle.SECONDARY}
PREFIX = "fb"


def custom_id(verb: str, feedback_id: int) -> str:
    return f"{PREFIX}:{verb}:{feedback_id}"


def remaining_verbs(item: Item) -> list[str]:
    """The buttons that still make sense: acknowledge while open, answer while someone can receive it, close
    until closed."""
    verbs = [verb for verb, allowed in ALLOWED_FROM.items() if item.status in allowed]
    if item.member_id is None:
        verbs = [verb for verb in verbs if verb != "answer"]
    return verbs


def kind_label(catalogue: Catalogue, locale: str, kind: str) -> str:
    return f"{KIND_MARKS.get(kind, '')} {catalogue.string(locale, f'feedback.kind.{kind}')}".strip()


def feedback_card(item: Item, history: Sequence[Decision], catalogue: Catalogue, locale: str, *,
                  tz: tzinfo = UTC, text_days: int = 90) -> Content:
    def say(key: str, **values) -> Text:
        return catalogue.text(locale, f"feedback.card.{key}", **values)

    def when(epoch: int) -> datetime:
        return datetime.fromtimestamp(epoch, UTC).astimezone(tz)

    title = say("title", id=item.id, kind=kind_label(catalogue, locale, item.kind))
    if item.text is not None:
        body = Text.of(item.text)
    elif item.text_erased_at is not None:
        body = say("text_erased", days=text_days)
    else:
        body = say(f"body_{item.source}")
    author = Text.of(item.member_name or item.member_id or "?", f" ({item.member_id})" if item.member_id else "")
    fields = [
        Field(say("field_from").plain(), author if item.member_id or item.member_name else say("author_unknown")),
        Field(say("field_source").plain(), say(f"source_{item.source}")),
    ]
    if item.channel_id:
        fields.append(Field(say("field_channel").plain(), Text.of(MentionChannel(item.channel_id))))
    fields.append(Field(say("field_received").plain(), say("received", at=when(item.created_at))))
    fields.append(Field(say("field_status").plain(), say(f"status_{item.status}")))
    if item.link:
        fields.append(Field(say("field_link").plain(), Text.of(Link(item.link, say("open_message").plain()))))
    if item.answer:
        fields.append(Field(say("field_answer").plain(), Text.of(item.answer), inline=False))
    lines = [say(f"decided_{d.action}", who=d.by_name or d.by or say("someone").plain(), at=when(d.at))
             for d in history]
    buttons = tuple(Button(custom_id(verb, item.id), say(f"button_{verb}").plain(), BUTTON_STYLES[verb])
                    for verb in remaining_verbs(item))
    return Content(title=title, text=body, fields=tuple(fields), footer=join(lines) if lines else None,
                   buttons=buttons)
