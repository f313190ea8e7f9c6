"""Pillars are shown to people by name: the community's label, the shipped name, or the slug in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Catalogue
from config.calendar import CalendarSettings
from handlers.calendar.pillars import humanised, pillar_name

CATALOGUE = Catalogue.shipped()


@pytest.mark.parametrize(("locale", "expected"), [("fr", "Coulisses"), ("en", "Behind the scenes")])
def test_a_default_pillar_has_a_name_in_each_language(locale, expected):
    assert pillar_name("behind-the-scenes", {}, CATALOGUE, locale) == expected


def test_the_community_label_comes_first_and_an_unknown_slug_reads_as_words():
    assert pillar_name("news", {"news": "Nouveautés produit"}, CATALOGUE, "fr") == "Nouveautés produit"
    assert pillar_name("product-launch", {}, CATALOGUE, "fr") == "Product launch"


@given(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,39}", fullmatch=True))
def test_humanised_never_shows_a_separator_and_keeps_every_word(slug):
    shown = humanised(slug)
    assert "-" not in shown and "_" not in shown
    assert shown.casefold().split() == slug.replace("-", " ").replace("_", " ").split()


def test_a_label_for_a_pillar_the_community_does_not_have_is_refused():
    with pytest.raises(ValueError, match="pillar_labels names recipes"):
        CalendarSettings(pillar_labels={"recipes": "Recettes"})
