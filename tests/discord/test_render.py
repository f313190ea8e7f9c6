"""Rendering rich text and content for Discord: escaping, mentions, limits, embeds, buttons, nonces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.actions import Button, ButtonStyle, Content, Field
from bot.platforms.discord.render import (
    CONTENT_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    NONCE_LIMIT,
    nonce_for,
    render_content,
    render_text,
)
from bot.text import Link, Markup, MentionChannel, MentionUser, Plain, Strong, Text


def test_member_words_are_inert_and_trusted_markup_is_kept():
    typed = "**hi** @everyone <@&123456789012345678> [x](https://evil.test) _x_"
    text = Text.of(Plain(typed), Strong("a*b"), Markup("__SMM__"))
    rendered = render_text(text)
    assert "**hi**" not in rendered and "\\*\\*hi\\*\\*" in rendered
    assert "@everyone" not in rendered and "<@&123456789012345678>" not in rendered
    assert "[x](" not in rendered
    assert rendered.endswith("**a\\*b**__SMM__")


def test_mentions_channels_and_links():
    text = Text.of(MentionUser("42"), " in ", MentionChannel("7"), " ", Link("https://x.test/a", "the [docs]"))
    assert render_text(text) == "<@42> in <#7> [the \\[docs\\]](https://x.test/a)"


def test_allowed_mentions_name_only_the_mentioned_members():
    content = Content(text=Text.of("hi ", MentionUser("42"), " and ", MentionUser("42"), " ", MentionUser("43")))
    mentions = render_content(content).allowed_mentions.to_dict()
    assert mentions["parse"] == []
    assert sorted(mentions["users"]) == [42, 43]
    assert render_content(Content(text=Text.of("@everyone"))).allowed_mentions.to_dict()["users"] == []


def test_long_text_is_cut_between_escapes_with_an_ellipsis():
    text = Text.of(MentionUser("42"), Plain("*" * 3000))
    rendered = render_text(text, CONTENT_LIMIT)
    assert len(rendered) <= CONTENT_LIMIT and rendered.endswith("…")
    assert rendered.startswith("<@42>")
    assert not rendered[:-1].endswith("\\")  # never half an escape


def test_a_mention_that_does_not_fit_is_dropped_whole():
    rendered = render_text(Text.of(Plain("a" * 1995), MentionUser("123456789")), CONTENT_LIMIT)
    assert "<@" not in rendered and rendered.endswith("…") and len(rendered) <= CONTENT_LIMIT


def test_a_card_becomes_an_embed_within_discord_limits():
    fields = tuple(Field(f"name {i}", Text.of("v" * 2000)) for i in range(30))
    content = Content(text=Text.of("d" * 5000), title=Text.of("Report"), fields=fields, footer=Text.of("foot"))
    [embed] = render_content(content).embeds
    data = embed.to_dict()
    assert data["title"] == "Report" and data["footer"]["text"] == "foot"
    assert len(data.get("fields", [])) <= 25
    assert all(len(f["value"]) <= FIELD_VALUE_LIMIT for f in data["fields"])
    assert len(data.get("description", "")) <= EMBED_DESCRIPTION_LIMIT
    assert len(embed) <= 6000


async def test_buttons_become_a_stopped_view_keyed_by_custom_id():
    buttons = (Button("mod:ok:1", "OK", ButtonStyle.SUCCESS), Button("mod:no:1", "x" * 100, ButtonStyle.DANGER))
    view = render_content(Content(text=Text.of("?"), buttons=buttons)).view
    assert view is not None and view.is_finished()  # discord.py will not keep it: clicks route by custom_id
    [row] = view.to_components()
    assert [(c["custom_id"], c["style"]) for c in row["components"]] == [("mod:ok:1", 3), ("mod:no:1", 4)]
    assert len(row["components"][1]["label"]) == 80


def test_nonces_fit_discord_and_are_stable():
    assert nonce_for("short-key") == "short-key"
    long_key = "calendar:post:123456:variant:discord:2026-11-23T09:00"
    assert len(nonce_for(long_key)) <= NONCE_LIMIT
    assert nonce_for(long_key) == nonce_for(long_key) != nonce_for(long_key + "x")


def test_attachment_urls_and_images(tmp_path):
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG")
    rendered = render_content(Content(text=Text.of("see"), image_path=str(image),
                                      attachment_urls=("https://cdn.test/a.mp4",)))
    assert rendered.files[0].filename == "chart.png"
    assert rendered.embeds[0].image.url == "attachment://chart.png"
    assert rendered.content == "https://cdn.test/a.mp4"


@given(st.text(max_size=260))
def test_a_remembered_escape_is_the_escape(raw):
    from bot.platforms.discord import render

    assert render.escape(raw) == render.escape(raw) == render._escape(raw)


def test_a_cards_labels_are_escaped_once_across_cards(monkeypatch):
    """Counted, not timed: the second card of the same shape escapes only what differs (the member's words)."""
    import discord

    calls: list[str] = []
    original = discord.utils.escape_markdown

    def counting(text, **kwargs):
        calls.append(text)
        return original(text, **kwargs)

    monkeypatch.setattr(discord.utils, "escape_markdown", counting)

    def card(words: str) -> Content:
        return Content(title=Text.of("Signalement n° 7"), text=Text.of(Plain(words)),
                       fields=(Field("Règles", Text.of("insulte (b1tch)")), Field("Membre", Text.of("Ana (42)"))),
                       buttons=(Button("mod:dismiss:7", "Ignorer", ButtonStyle.SECONDARY),))

    render_content(card("first words of a member, unique"))
    first = len(calls)
    render_content(card("other words of another member"))
    assert calls[first:] == ["other words of another member"]
