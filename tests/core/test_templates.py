"""Templates fill whitelisted names only; hostile templates and values stay inert text."""

from __future__ import annotations

from bot.templates import render
from bot.text import MentionUser, Plain, Text


def test_known_placeholders_are_filled_and_values_stay_plain():
    text = render("Bienvenue {member} sur {community} !", {"member": MentionUser("42"), "community": "{x}"}, "fr")
    assert text.spans == (Plain("Bienvenue "), MentionUser("42"), Plain(" sur {x} !"))


def test_attribute_and_index_lookups_stay_literal():
    hostile = "{member.__class__} {0.__class__} {member[0]} {__import__('os')} {member!r} {member}"
    text = render(hostile, {"member": "Zoé"}, "fr")
    assert text.plain() == "{member.__class__} {0.__class__} {member[0]} {__import__('os')} {member!r} Zoé"


def test_unknown_names_stay_as_written():
    assert render("{unknown} {name}", {"name": "Léa"}, "fr").plain() == "{unknown} Léa"


def test_a_value_with_braces_is_never_expanded():
    assert render("{name}", {"name": "{name} @everyone"}, "en").spans == (Plain("{name} @everyone"),)


def test_only_mention_spans_ping():
    text = Text.of("@everyone ", MentionUser("7"), " <@8>")
    assert text.mentioned_user_ids() == ("7",)
