"""Rendering rich text and content as mrkdwn and Block Kit: escaping, limits, fallbacks."""

from __future__ import annotations

from bot.actions import Button, ButtonStyle, Content, Field, ModalInput
from bot.platforms.slack.render import (
    BLOCK_LIMIT,
    HEADER_LIMIT,
    SECTION_LIMIT,
    escape,
    modal_view,
    render_content,
    render_text,
    split_mrkdwn,
)
from bot.text import Link, Markup, MentionChannel, MentionUser, Plain, Strong, Text


def test_member_text_is_escaped_and_only_real_spans_make_slack_syntax():
    text = Text.of(Plain("<!channel> & <!here>"), " ", Strong("<b>"), " ", MentionUser("U1"), " ",
                   MentionChannel("C1"), " ", Link("https://x.test/a?b=1", "see <this>"), " ", Markup("*as is*"))
    assert render_text(text) == ("&lt;!channel&gt; &amp; &lt;!here&gt; *&lt;b&gt;* <@U1> <#C1> "
                                 "<https://x.test/a?b=1|see &lt;this&gt;> *as is*")


def test_a_url_cannot_break_out_of_its_link():
    assert render_text(Text.of(Link("https://x.test/>|<!channel>"))) == "<https://x.test/%3E%7C%3C!channel%3E>"


def test_plain_content_is_a_text_message_without_blocks():
    message = render_content(Content(text=Text.of("hello ", MentionUser("U1"))))
    assert message.text == "hello <@U1>" and message.blocks is None


def test_long_text_is_split_into_sections_without_cutting_an_escape_or_a_mention():
    raw = "a&b<c> " * 1200  # 8400 raw characters, far more once escaped
    text = Text.of(Plain(raw), MentionUser("U123"), Plain("end"))
    chunks = split_mrkdwn(text)
    assert all(len(chunk) <= SECTION_LIMIT for chunk in chunks) and len(chunks) > 1
    joined = "".join(chunks)
    assert joined == render_text(text)
    for chunk in chunks:
        assert chunk.count("&") == chunk.count("&amp;") + chunk.count("&lt;") + chunk.count("&gt;")
    assert any("<@U123>" in chunk for chunk in chunks)


def test_a_card_becomes_blocks_within_slack_limits_with_a_text_fallback():
    fields = tuple(Field(f"name {i} <x>", Text.of("v" * 2500)) for i in range(23))
    buttons = (Button("mod:ok:1", "Approve", ButtonStyle.SUCCESS), Button("mod:no:1", "Remove", ButtonStyle.DANGER),
               Button("mod:later:1", "L" * 100))
    content = Content(title=Text.of("T" * 400), text=Text.of("body <!channel>"), fields=fields,
                      footer=Text.of("footer"), buttons=buttons)
    message = render_content(content)
    blocks = message.blocks
    assert blocks is not None and len(blocks) <= BLOCK_LIMIT
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) == HEADER_LIMIT
    sections = [b for b in blocks if b["type"] == "section" and "fields" in b]
    assert [len(s["fields"]) for s in sections] == [10, 10, 3]
    assert all(len(f["text"]) <= 2000 for s in sections for f in s["fields"])
    assert sections[0]["fields"][0]["text"].startswith("*name 0 &lt;x&gt;*")
    actions = blocks[-1]
    assert actions["type"] == "actions"
    assert [e.get("style") for e in actions["elements"]] == ["primary", "danger", None]
    assert [e["action_id"] for e in actions["elements"]] == ["mod:ok:1", "mod:no:1", "mod:later:1"]
    assert len(actions["elements"][2]["text"]["text"]) <= 75
    assert "&lt;!channel&gt;" in message.text and "<!channel>" not in message.text


def test_too_many_blocks_are_truncated_but_buttons_stay():
    content = Content(text=Text.of(Plain(("x" * 2999 + "\n") * 80)), buttons=(Button("a:b:c", "Go"),))
    blocks = render_content(content).blocks
    assert blocks is not None and len(blocks) == BLOCK_LIMIT
    assert blocks[-1]["type"] == "actions" and blocks[-2]["type"] == "context"


def test_modal_view_has_one_input_per_field_and_fits_slack_title_limits():
    view = modal_view("mod:note:1", "A rather long modal title here", (
        ModalInput("reason", "Reason", multiline=True, default="spam", max_length=500),
        ModalInput("extra", "Extra", required=False),
    ), "Send", "Cancel", "C1")
    assert view["callback_id"] == "mod:note:1" and view["private_metadata"] == "C1"
    assert len(view["title"]["text"]) <= 24
    first, second = view["blocks"]
    assert first["element"] == {"type": "plain_text_input", "action_id": "reason", "multiline": True,
                                "initial_value": "spam", "max_length": 500}
    assert second["optional"] is True


def test_escape_covers_exactly_the_three_characters():
    assert escape("a & b < c > d * _ ~") == "a &amp; b &lt; c &gt; d * _ ~"
