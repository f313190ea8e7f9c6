"""The console's own words around a card follow the community's language and its typography."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import Content, Field
from bot.platforms.console.render import indent_after_first, render_content
from bot.platforms.console.words import Words
from bot.text import Text


def card() -> Content:
    return Content(title=Text.of("Post 1"), fields=(Field("Status", Text.of("scheduled")),
                                                    Field("Growth", Text.of("Joined: 4\nLeft: 0"))),
                   image_path="reports/w48.png")


def name_of(member_id: str) -> str:
    return member_id


@pytest.mark.parametrize(
    ("locale", "field", "image"),
    [("fr", "  • Status\u00a0: scheduled", "  [image\u00a0: reports/w48.png]"),
     ("en", "  • Status: scheduled", "  [image: reports/w48.png]")],
)
def test_fields_and_images_use_the_locale_punctuation(locale, field, image):
    lines = render_content(card(), name_of, Words(locale)).split("\n")
    assert field in lines and image in lines


def test_a_fields_further_lines_stay_under_it():
    lines = render_content(card(), name_of, Words("en")).split("\n")
    assert lines[lines.index("  • Growth: Joined: 4") + 1] == "    Left: 0"


def test_an_empty_message_and_an_unknown_locale():
    assert render_content(Content(), name_of, Words("fr")) == "(message vide)"
    assert render_content(Content(), name_of, Words("de")) == "(empty)"  # English when the locale is not shipped


def test_member_names_are_filled_as_text_never_as_template():
    assert Words("en")("joined", member="{member}") == "→ {member} joined"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(("fr", "en")), st.text(max_size=20), st.text(max_size=40))
def test_a_field_reads_as_its_template_fills_it(locale, name, value):
    """The field's words are rendered once per label and the value put in between: the line is the template
    filled with both, whatever they hold (braces, markup, the template's own placeholders)."""
    words = Words(locale)
    lines = render_content(Content(fields=(Field(name, Text.of(value)),)), name_of, words)
    assert lines == indent_after_first(f"  • {words('field', name=name, value=value)}", 4)
