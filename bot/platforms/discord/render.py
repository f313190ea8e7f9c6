"""Rendering the core's rich text and message content as Discord markdown, embeds, buttons and mentions.

Safety first: a `Plain` or `Strong` span may hold a member's words, so it is escaped twice over (markdown, so
`**` stays literal, and mentions, so a typed `@everyone` stays inert), and every send carries an
`AllowedMentions` that lets through the members the text names with `MentionUser` and nobody else.
Discord's limits (2000 characters of content, 4096 of embed description, 25 fields of 256/1024, 80 per button
label) are met by cutting between spans, or inside a plain span at a point where the escaped result still
fits, so a cut never leaves half a mention or a dangling escape.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import discord

from bot.actions import Button, ButtonStyle, Content, ModalInput, PollSpec
from bot.text import Link, Markup, MentionChannel, MentionUser, Plain, Span, Strong, Text

CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
BUTTONS_LIMIT = 25
CUSTOM_ID_LIMIT = 100
MODAL_TITLE_LIMIT = 45
MODAL_LABEL_LIMIT = 45
SELECT_LABEL_LIMIT = 100
SELECT_VALUE_LIMIT = 100
NONCE_LIMIT = 25
POLL_QUESTION_LIMIT = 300
POLL_ANSWER_LIMIT = 55
POLL_ANSWERS_LIMIT = 10
POLL_HOURS_LIMIT = 32 * 24  # Discord keeps a poll open 1 hour to 32 days, in whole hours
ELLIPSIS = "…"

_BUTTON_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
    ButtonStyle.SUCCESS: discord.ButtonStyle.success,
}


ESCAPES_CACHED = 4_096  # distinct short strings whose escaped form is kept
CACHED_LENGTH = 200  # longer strings (members' messages) are escaped each time: bounded memory


def escape(raw: str) -> str:
    """Member text made inert: no markdown, no masked link (`[label](url)`), no mention of anyone.

    Every card escapes its labels (« Règles », « Membre », a rule's name...) again and again, through two
    regular expressions each: short strings are escaped once and remembered."""
    return _escape_short(raw) if len(raw) <= CACHED_LENGTH else _escape(raw)


def _escape(raw: str) -> str:
    unmarked = discord.utils.escape_markdown(raw).replace("[", "\\[").replace("]", "\\]")
    return discord.utils.escape_mentions(unmarked)


_escape_short = lru_cache(maxsize=ESCAPES_CACHED)(_escape)


def render_span(span: Span) -> str:
    if isinstance(span, Plain):
        return escape(span.value)
    if isinstance(span, Strong):
        return f"**{escape(span.value)}**" if span.value else ""
    if isinstance(span, MentionUser):
        return f"<@{span.user_id}>"
    if isinstance(span, MentionChannel):
        return f"<#{span.channel_id}>"
    if isinstance(span, Link):
        if not span.label:
            return span.url
        return f"[{escape(span.label)}]({span.url})"
    if isinstance(span, Markup):
        return span.value
    raise TypeError(f"unknown span {span!r}")


def _largest_prefix(span: Plain | Strong, room: int) -> str:
    """The longest cut of a plain span whose rendering fits in `room` (rendering grows with the prefix)."""
    low, high = 0, len(span.value)
    while low < high:
        middle = (low + high + 1) // 2
        if len(render_span(type(span)(span.value[:middle]))) <= room:
            low = middle
        else:
            high = middle - 1
    return render_span(type(span)(span.value[:low])) if low else ""


def render_text(text: Text, limit: int = CONTENT_LIMIT) -> str:
    """The text as Discord markdown, at most `limit` characters, ending with "…" when it had to be cut."""
    pieces: list[str] = []
    used = 0
    for span in text.spans:
        rendered = render_span(span)
        if used + len(rendered) <= limit:
            pieces.append(rendered)
            used += len(rendered)
            continue
        room = limit - used - len(ELLIPSIS)
        if room > 0 and isinstance(span, Plain | Strong):
            pieces.append(_largest_prefix(span, room))
        pieces.append(ELLIPSIS)
        break
    return "".join(pieces)


def clip(raw: str, limit: int) -> str:
    """Trusted or already-rendered text cut to `limit` (labels, titles, names)."""
    return raw if len(raw) <= limit else raw[: limit - len(ELLIPSIS)] + ELLIPSIS


def allowed_mentions(content: Content) -> discord.AllowedMentions:
    """Ping exactly the members the text mentions: never @everyone, @here or a role, never the replied user."""
    users = [discord.Object(int(uid)) for uid in content.mentioned_user_ids() if uid.isdigit()]
    return discord.AllowedMentions(everyone=False, roles=False, users=users, replied_user=False)


def is_card(content: Content) -> bool:
    return bool(content.title or content.fields or content.footer or content.image_path)


def _embed(content: Content) -> discord.Embed:
    title = render_text(content.title, EMBED_TITLE_LIMIT) if content.title else None
    footer = clip(content.footer.plain(), FOOTER_LIMIT) if content.footer else ""
    budget = EMBED_TOTAL_LIMIT - len(title or "") - len(footer)
    fields = []
    for item in content.fields[:EMBED_FIELDS_LIMIT]:
        name = clip(escape(item.name), FIELD_NAME_LIMIT) or "\u200b"
        value = render_text(item.value, FIELD_VALUE_LIMIT) or "\u200b"
        if len(name) + len(value) > budget:
            break
        budget -= len(name) + len(value)
        fields.append((name, value, item.inline))
    description = render_text(content.text, min(EMBED_DESCRIPTION_LIMIT, max(budget, 0))) or None
    embed = discord.Embed(title=title, description=description)
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)
    if footer:
        embed.set_footer(text=footer)
    if content.image_path:
        embed.set_image(url=f"attachment://{Path(content.image_path).name}")
    return embed


def buttons_view(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    """A stateless view: the buttons carry only their custom_id and clicks are routed by it, so they keep
    working after a restart. The view is stopped before sending so discord.py does not keep it in memory."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons[:BUTTONS_LIMIT]:
        view.add_item(
            discord.ui.Button(
                custom_id=button.custom_id[:CUSTOM_ID_LIMIT],
                label=clip(button.label, BUTTON_LABEL_LIMIT),
                style=_BUTTON_STYLES[button.style],
            )
        )
    view.stop()
    return view


@dataclass
class Rendered:
    """Keyword arguments for `send` / `edit` / interaction answers, plus files opened for the upload."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)
    poll: discord.Poll | None = None
    allowed_mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content, "allowed_mentions": self.allowed_mentions}
        if self.embeds:
            kwargs["embeds"] = self.embeds
        if self.view is not None:
            kwargs["view"] = self.view
        if self.files:
            kwargs["files"] = self.files
        if self.poll is not None:
            kwargs["poll"] = self.poll
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """For edits: state every part, so an edit that drops the embed or the buttons really drops them."""
        kwargs = self.send_kwargs()
        kwargs["embeds"] = self.embeds
        kwargs["view"] = self.view
        kwargs.pop("files", None)
        kwargs.pop("poll", None)  # a poll cannot be edited once sent
        if self.files:
            kwargs["attachments"] = self.files
        return kwargs


def render_content(content: Content) -> Rendered:
    body = content.text
    if content.attachment_urls:
        body = Text.of(body, *(Text.of("\n", Link(url)) for url in content.attachment_urls))
    rendered = Rendered(view=buttons_view(content.buttons), allowed_mentions=allowed_mentions(content))
    if is_card(content):
        rendered.embeds = [_embed(Content(text=content.text, title=content.title, fields=content.fields,
                                          footer=content.footer, image_path=content.image_path))]
        urls = "\n".join(content.attachment_urls)
        rendered.content = clip(urls, CONTENT_LIMIT) if urls else None
    else:
        rendered.content = render_text(body, CONTENT_LIMIT) or None
    if content.image_path:
        rendered.files = [discord.File(content.image_path, filename=Path(content.image_path).name)]
    if content.poll is not None:
        rendered.poll = native_poll(content.poll)
    # files made in memory go up in the same multipart request as the message
    rendered.files += [discord.File(io.BytesIO(f.data), filename=f.filename) for f in content.files]
    return rendered


def poll_hours(spec: PollSpec) -> int:
    """Discord counts a poll's life in whole hours: the spec's duration rounded up, within 1 hour and 32 days
    (the bot ends a shorter poll itself, on time, with `ClosePoll`)."""
    hours = -(-int(spec.duration.total_seconds()) // 3600)
    return max(1, min(hours, POLL_HOURS_LIMIT))


def native_poll(spec: PollSpec) -> discord.Poll:
    """Discord shows a poll's question and answers as plain text (no markdown, no mention is ever resolved),
    so the words go as typed, without control characters, cut to Discord's limits."""
    poll = discord.Poll(question=clip(_printable(spec.question), POLL_QUESTION_LIMIT),
                        duration=timedelta(hours=poll_hours(spec)), multiple=spec.multiple)
    for answer in spec.answers[:POLL_ANSWERS_LIMIT]:
        poll.add_answer(text=clip(_printable(answer), POLL_ANSWER_LIMIT) or "…")
    return poll


def _printable(raw: str) -> str:
    return "".join(c if c.isprintable() else " " for c in raw).strip()


def nonce_for(idempotency_key: str) -> str:
    """Discord nonces are at most 25 characters: long keys are hashed to a stable short form."""
    if len(idempotency_key) <= NONCE_LIMIT:
        return idempotency_key
    return hashlib.blake2b(idempotency_key.encode(), digest_size=12).hexdigest()[:NONCE_LIMIT]


def modal(custom_id: str, title: str, inputs: tuple[ModalInput, ...]) -> discord.ui.Modal:
    """A modal for multi-line input; stopped before sending, since the submission is routed by custom_id."""
    form = discord.ui.Modal(title=clip(title, MODAL_TITLE_LIMIT), custom_id=custom_id[:CUSTOM_ID_LIMIT], timeout=None)
    for item in inputs[:5]:
        if item.choices:  # a pick list: a select menu inside a label (Discord's modal components)
            options = [discord.SelectOption(label=clip(label, SELECT_LABEL_LIMIT), value=value[:SELECT_VALUE_LIMIT],
                                            default=value == item.default) for value, label in item.choices[:25]]
            select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
                custom_id=item.custom_id[:CUSTOM_ID_LIMIT], options=options, required=item.required)
            form.add_item(discord.ui.Label(text=clip(item.label, MODAL_LABEL_LIMIT), component=select))
            continue
        form.add_item(
            discord.ui.TextInput(
                label=clip(item.label, MODAL_LABEL_LIMIT),
                custom_id=item.custom_id[:CUSTOM_ID_LIMIT],
                style=discord.TextStyle.paragraph if item.multiline else discord.TextStyle.short,
                required=item.required,
                default=item.default or None,
                max_length=item.max_length,
            )
        )
    form.stop()
    return form
