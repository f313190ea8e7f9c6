"""Validation at draft time: one clear sentence naming the field; UTM tagging; the preview equals what is sent."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import Catalogue
from config.calendar import UtmSettings
from config.settings import Community
from handlers.calendar.drafting import read_draft
from handlers.calendar.posts import Actor
from handlers.calendar.utm import tag_links
from handlers.calendar.validation import validate_draft

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
COMMUNITY = Community.model_validate({
    "id": "demo", "name": "Demo", "locale": "en", "timezone": "Europe/Paris",
    "discord": {"space_id": "1"}, "slack": {"space_id": "T1"}, "console": {"space_id": "console"},
    "calendar": {"horizon_days": 30},
})


def problems(**fields) -> list[str]:
    values = {"body": "Hello", "to": "console:news", "at": "2026-03-02 12:00", **fields}
    values = {k: v for k, v in values.items() if v is not None}
    draft, read = read_draft(values, community="demo", author=Actor("console", "sam"), zone="Europe/Paris",
                             default_platform="console")
    found = read if draft is None else validate_draft(draft, COMMUNITY, NOW, need_time=True)
    catalogue = Catalogue.shipped()
    return [catalogue.string("en", p.key, **p.values) for p in found]


def test_a_valid_post_has_no_problem():
    assert problems() == []


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"to": "discord:123", "body": "x" * 2001}, "The variant discord is 2,001 characters long, over the 2,000"),
        ({"to": "slack:C1", "body": "y" * 3001}, "paragraph of 3,001 characters, over the 3,000"),
        ({"to": "slack:C1", "body": "\n\n".join(["z" * 2500] * 17)}, "over the 40,000 that slack allows"),
        ({"at": "2026-03-01 09:00"}, "The “at” field is in the past"),
        ({"at": "2026-05-01 09:00"}, "The “at” field is too far ahead: at most 30 days"),
        ({"at": "tomorrow"}, "The “at” field “tomorrow” is not a date and time"),
        ({"at": None}, "The “at” field is missing"),
        ({"to": None}, "The “to” field is missing"),
        ({"to": "teams:general"}, "this community is not on that platform"),
        ({"body": " "}, "The body is empty"),
        ({"pillar": "memes"}, "The “pillar” field “memes” is not one of the community's pillars"),
        ({"attachments": "ftp://x/y.png"}, "The “attachments” field has “ftp://x/y.png”"),
        ({"every": "someday 9h", "at": None}, "not a day"),
        ({"count": "3"}, "need a recurrence"),
        ({"discord": "**Hi**"}, "The “discord” variant is set but the post does not go to discord"),
        ({"utm": "maybe"}, "The “utm” field “maybe” must be yes or no"),
    ],
)
def test_each_error_is_one_sentence_naming_the_field(fields, sentence):
    found = problems(**fields)
    assert len(found) == 1, found
    assert sentence in found[0]


def test_length_is_checked_on_the_variant_with_utm_tags():
    body = "x" * 1950 + " https://shop.example/p"
    assert problems(to="discord:1", body=body) != []  # the tags push it past 2,000
    assert problems(to="discord:1", body=body, utm="no") == []


def test_utm_keeps_existing_parameters_and_tags_each_platform():
    settings = UtmSettings()
    text = "See https://shop.example/p?utm_source=newsletter&x=1. And [here](https://b.example/)!"
    tagged = tag_links(text, "discord", "spring", settings)
    assert "https://shop.example/p?utm_source=newsletter&x=1&utm_medium=community&utm_campaign=spring." in tagged
    assert "(https://b.example/?utm_source=discord&utm_medium=community&utm_campaign=spring)" in tagged


def test_utm_domain_filter_and_switch():
    settings = UtmSettings(domains=("shop.example",))
    tagged = tag_links("<https://www.shop.example/a|shop> https://other.example/", "slack", None, settings)
    assert "https://www.shop.example/a?utm_source=slack&utm_medium=community&utm_campaign=cmbot|shop" in tagged
    assert tagged.endswith("https://other.example/")
    assert tag_links("https://a.example/", "slack", None, UtmSettings(enabled=False)) == "https://a.example/"


def test_recurring_first_occurrence_must_be_within_horizon():
    assert problems(at=None, every="monday 9h") == []
    assert problems(at=None, every="month 1 9h", until=(NOW + timedelta(days=1)).date().isoformat()) == [
        "The recurrence has no occurrence left: check its end date or count."]
