"""Rendering the core's rich text and message content as Slack mrkdwn and Block Kit.

Every character that came from a member goes through `escape`: Slack reads `<!channel>`, `<!here>`,
`<!subteam^S…>` and `<@U…>` as pings only when `<` and `>` reach it unescaped, so escaping `& < >` is what keeps
a member's words inert. Only `MentionUser`, `MentionChannel`, `Link` and trusted `Markup` produce Slack syntax.
Block Kit limits (3000 characters a section, 150 a header, 10 fields of 2000 a section, 50 blocks) are met by
splitting at span or line boundaries, never inside an escape sequence or a mention.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.actions import Button, ButtonStyle, Content, ModalInput
from bot.text import Link, Markup, MentionChannel, MentionUser, Plain, Strong, Text

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
BLOCK_LIMIT = 50
BUTTONS_PER_BLOCK = 25
BUTTON_LABEL_LIMIT = 75
ACTION_ID_LIMIT = 255
MESSAGE_TEXT_LIMIT = 40000
MODAL_TITLE_LIMIT = 24
ELLIPSIS = "…"

Block = dict[str, Any]


def escape(raw: str) -> str:
    """Make text inert for mrkdwn: the three characters Slack asks apps to escape."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _safe_url(url: str) -> str:
    """A URL cannot close the `<url|label>` it sits in."""
    return url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")


def _raw_chunks(value: str, limit: int) -> Iterator[str]:
    """Split raw text so that each escaped piece fits in `limit` (an escape grows a character at most 5×)."""
    for line in value.splitlines(keepends=True):
        if len(escape(line)) <= limit:
            yield line
            continue
        step = max(1, limit // 5)
        for start in range(0, len(line), step):
            yield line[start : start + step]


def render_pieces(text: Text, limit: int = SECTION_LIMIT) -> Iterator[str]:
    """The text as mrkdwn pieces that are each safe to cut between (none longer than `limit`)."""
    for span in text.spans:
        if isinstance(span, Plain):
            yield from (escape(chunk) for chunk in _raw_chunks(span.value, limit))
        elif isinstance(span, Strong):
            yield from (f"*{escape(chunk)}*" for chunk in _raw_chunks(span.value, limit - 2) if chunk.strip())
        elif isinstance(span, MentionUser):
            yield f"<@{span.user_id}>"
        elif isinstance(span, MentionChannel):
            yield f"<#{span.channel_id}>"
        elif isinstance(span, Link):
            url = _safe_url(span.url)
            yield f"<{url}|{escape(span.label)}>" if span.label else f"<{url}>"
        elif isinstance(span, Markup):
            for start in range(0, len(span.value), limit):
                yield span.value[start : start + limit]


def render_text(text: Text) -> str:
    return "".join(render_pieces(text))


def split_mrkdwn(text: Text, limit: int = SECTION_LIMIT) -> list[str]:
    """The text cut into chunks of at most `limit` characters, at piece boundaries."""
    chunks: list[str] = []
    current = ""
    for piece in render_pieces(text, limit):
        if len(current) + len(piece) > limit and current:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return chunks


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def truncate_mrkdwn(text: Text, limit: int) -> str:
    chunks = split_mrkdwn(text, limit - 1)
    if not chunks:
        return ""
    return chunks[0] if len(chunks) == 1 else chunks[0] + ELLIPSIS


def is_rich(content: Content) -> bool:
    return bool(content.title or content.fields or content.footer or content.buttons or content.attachment_urls)


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _button(button: Button) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(button.label, BUTTON_LABEL_LIMIT), "emoji": True},
        "action_id": button.custom_id[:ACTION_ID_LIMIT],
        "value": button.custom_id[:2000],
    }
    if button.style in (ButtonStyle.PRIMARY, ButtonStyle.SUCCESS):
        element["style"] = "primary"
    elif button.style is ButtonStyle.DANGER:
        element["style"] = "danger"
    return element


def _field_blocks(content: Content) -> list[Block]:
    fields = [
        {"type": "mrkdwn", "text": f"*{escape(item.name)}*\n{truncate_mrkdwn(item.value, FIELD_LIMIT - 200)}"}
        for item in content.fields
    ]
    return [
        {"type": "section", "fields": fields[start : start + FIELDS_PER_SECTION]}
        for start in range(0, len(fields), FIELDS_PER_SECTION)
    ]


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` / `chat.update` / a response URL take: a fallback text and optional blocks."""

    text: str
    blocks: list[Block] | None = None

    def as_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"text": self.text}
        if self.blocks is not None:
            args["blocks"] = self.blocks
        return args


def render_content(content: Content) -> SlackMessage:
    """Plain content becomes a text message; a card (title, fields, buttons…) becomes Block Kit with a fallback."""
    if not is_rich(content):
        body = render_text(content.text)
        if len(body) <= MESSAGE_TEXT_LIMIT:
            return SlackMessage(text=body or ELLIPSIS)
        return SlackMessage(text=split_mrkdwn(content.text, MESSAGE_TEXT_LIMIT - 1)[0] + ELLIPSIS)
    head: list[Block] = []
    if content.title:
        head.append({"type": "header", "text": {"type": "plain_text", "text": truncate(content.title.plain(),
                                                                                        HEADER_LIMIT)}})
    blocks = [_section(chunk) for chunk in split_mrkdwn(content.text)]
    blocks.extend(_field_blocks(content))
    if content.attachment_urls:
        links = "\n".join(f"<{_safe_url(url)}>" for url in content.attachment_urls)
        blocks.extend(_section(chunk) for chunk in split_mrkdwn(Text.of(Markup(links))))
    tail: list[Block] = []
    if content.footer:
        tail.append({"type": "context", "elements": [{"type": "mrkdwn",
                                                      "text": truncate_mrkdwn(content.footer, SECTION_LIMIT)}]})
    for start in range(0, len(content.buttons), BUTTONS_PER_BLOCK):
        tail.append({"type": "actions",
                     "elements": [_button(b) for b in content.buttons[start : start + BUTTONS_PER_BLOCK]]})
    room = BLOCK_LIMIT - len(head) - len(tail)
    if len(blocks) > room:
        blocks = [*blocks[: room - 1], {"type": "context", "elements": [{"type": "mrkdwn", "text": ELLIPSIS}]}]
    parts = [escape(content.title.plain()) if content.title else "", render_text(content.text)]
    fallback = truncate("\n".join(p for p in parts if p), SECTION_LIMIT) or ELLIPSIS
    return SlackMessage(text=fallback, blocks=[*head, *blocks, *tail])


def modal_view(custom_id: str, title: str, inputs: tuple[ModalInput, ...], submit: str, close: str,
               private_metadata: str = "") -> Block:
    """A modal with one plain-text input per `ModalInput`; the view's callback_id routes the submission."""
    blocks: list[Block] = []
    for item in inputs:
        element: Block = {"type": "plain_text_input", "action_id": item.custom_id, "multiline": item.multiline}
        if item.choices:  # a pick list: a static select (Slack: at most 100 options of 75 characters)
            options = [{"text": {"type": "plain_text", "text": truncate(label, 75)}, "value": value[:150]}
                       for value, label in item.choices[:100]]
            element = {"type": "static_select", "action_id": item.custom_id, "options": options}
            chosen = [option for option in options if option["value"] == item.default]
            if chosen:
                element["initial_option"] = chosen[0]
        elif item.default:
            element["initial_value"] = item.default
        if item.max_length is not None and not item.choices:
            element["max_length"] = item.max_length
        blocks.append({
            "type": "input",
            "block_id": item.custom_id,
            "label": {"type": "plain_text", "text": truncate(item.label, 2000)},
            "element": element,
            "optional": not item.required,
        })
    return {
        "type": "modal",
        "callback_id": custom_id,
        "title": {"type": "plain_text", "text": truncate(title, MODAL_TITLE_LIMIT)},
        "submit": {"type": "plain_text", "text": truncate(submit, MODAL_TITLE_LIMIT)},
        "close": {"type": "plain_text", "text": truncate(close, MODAL_TITLE_LIMIT)},
        "private_metadata": private_metadata,
        "blocks": blocks[:BLOCK_LIMIT],
    }
