"""The console's send path prints and keeps exactly what it did before it was made lean.

`ConsolePlatform.execute` takes a post straight to its branch, renders its text once for the screen and for the
message it keeps, and holds the screen without a generator-based context manager. The reference below is the
rendering as it was written before (each span looked up the long way, every part of the message looked at,
the field's words filled by the template each time): for any message, the terminal shows the same block and
the console keeps the same text.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import Button, Content, Field, Post
from bot.clock import SimulatedClock
from bot.commands import CommandRegistry
from bot.events import Member
from bot.platforms.console import ConsolePlatform
from bot.platforms.console.screen import escaped
from bot.platforms.console.words import Words
from bot.text import Link, Markup, MentionChannel, MentionUser, Plain, Span, Strong, Text

words_text = st.text(max_size=12)
spans = st.one_of(
    st.builds(Plain, words_text), st.builds(Markup, words_text), st.builds(Strong, words_text),
    st.builds(MentionUser, st.sampled_from(["ana", "bob", "zoe"])),
    st.builds(MentionChannel, st.sampled_from(["news", "general"])),
    st.builds(Link, st.sampled_from(["https://example.org/a", "https://example.org/b"]), words_text),
)
texts = st.lists(spans, max_size=4).map(lambda found: Text(tuple(found)))
one_span = spans.map(lambda span: Text((span,)))
contents = st.builds(
    Content,
    text=st.one_of(one_span, texts),
    title=st.none() | texts,
    fields=st.lists(st.builds(Field, words_text, texts), max_size=2).map(tuple),
    footer=st.none() | texts,
    image_path=st.none() | st.sampled_from(["reports/w48.png"]),
    buttons=st.lists(st.builds(Button, st.just("poll:vote:1"), words_text), max_size=2).map(tuple),
    attachment_urls=st.lists(st.sampled_from(["https://example.org/cat.png"]), max_size=2).map(tuple),
)
plain_posts = st.builds(Content, text=one_span)  # a scheduled post's message: one span, nothing else


def old_text(text: Text, name_of: Callable[[str], str]) -> str:
    def one(span: Span) -> str:
        if isinstance(span, Strong):
            return f"*{span.value}*"
        if isinstance(span, MentionUser):
            return f"@{name_of(span.user_id)}"
        if isinstance(span, MentionChannel):
            return f"#{span.channel_id}"
        if isinstance(span, Link):
            return f"{span.label} <{span.url}>" if span.label else span.url
        return span.value

    return "".join(one(span) for span in text.spans)


def old_indent(block: str, width: int) -> str:
    first, *rest = block.split("\n")
    return "\n".join([first, *(" " * width + line for line in rest)])


def old_block(content: Content, name_of: Callable[[str], str], words: Words) -> str:
    lines: list[str] = []
    if content.title:
        lines.append(f"== {old_text(content.title, name_of)} ==")
    if content.text:
        lines.append(old_text(content.text, name_of))
    for item in content.fields:
        lines.append(old_indent(f"  • {words('field', name=item.name, value=old_text(item.value, name_of))}", 4))
    if content.footer:
        lines.append(f"  ({old_text(content.footer, name_of)})")
    if content.image_path:
        lines.append("  " + words("image", path=content.image_path))
    for url in content.attachment_urls:
        lines.append("  " + words("attachment", url=url))
    if content.buttons:
        lines.append("  " + " ".join(f"[{b.label}]" for b in content.buttons))
    return "\n".join(lines) if lines else words("empty")


def old_shown(channel: str, content: Content, message_id: str, name_of: Callable[[str], str], words: Words) -> str:
    prefix = f"[#{channel}] cmbot: "
    return escaped(old_indent(prefix + old_block(content, name_of, words), len(prefix)) + f"  ({message_id})") + "\n"


def console(locale: str) -> tuple[ConsolePlatform, io.StringIO]:
    out = io.StringIO()
    platform = ConsolePlatform("console", SimulatedClock(), CommandRegistry(), lambda: None, stdout=out, locale=locale)
    platform.community.members["ana"] = Member(id="ana", display_name="Ana \u202eLópez")
    return platform, out


async def posted(content: Content, locale: str, channel: str, key: str | None) -> tuple[str, str, str]:
    platform, out = console(locale)
    result = await platform.execute(Post(channel_id=channel, content=content, idempotency_key=key))
    assert result.ok and result.message_id is not None and result.channel_id == channel
    kept = platform.community.messages[result.message_id]
    expected = old_shown(channel, content, result.message_id, platform.community.name_of, platform.words)
    return out.getvalue(), expected, kept.text


@settings(max_examples=300, deadline=None)
@given(st.one_of(contents, plain_posts), st.sampled_from(["fr", "en"]), st.sampled_from(["news", "a\x1bb"]),
       st.none() | st.just("post:1:2030-01-07T09:00:00+00:00:console:news"))
async def test_a_post_is_shown_and_kept_as_the_old_rendering_did(content, locale, channel, key):
    shown, expected, kept = await posted(content, locale, channel, key)
    assert shown == expected
    assert kept == content.text.plain()


async def test_a_post_sent_again_with_its_key_is_shown_once():
    platform, out = console("en")
    post = Post(channel_id="news", content=Content(text=Text.of(Markup("Hello **all**"))), idempotency_key="k1")
    first = await platform.execute(post)
    again = await platform.execute(post)
    assert again.message_id == first.message_id
    assert out.getvalue() == f"[#news] cmbot: Hello **all**  ({first.message_id})\n"


async def test_an_empty_post_and_a_post_of_an_empty_span_read_as_before():
    for content in (Content(), Content(text=Text((Plain(""),))), Content(text=Text((Plain("a\nb"),)))):
        shown, expected, kept = await posted(content, "fr", "news", None)
        assert shown == expected and kept == content.text.plain()
