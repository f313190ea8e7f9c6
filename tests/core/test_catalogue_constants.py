"""Messages asked for without values are rendered once per catalogue: the same text as rendering them afresh,
and a card drawn again renders only its messages that carry values (counted, not timed)."""

from __future__ import annotations

import pytest

import bot.i18n
from bot.i18n import LOCALES, Catalogue, load_messages
from bot.templates import render
from handlers.feedback.cards import feedback_card
from handlers.feedback.inbox import Item


@pytest.mark.parametrize("lang", LOCALES)
def test_every_shipped_message_without_values_is_what_rendering_it_afresh_gives(lang):
    messages = load_messages(lang)
    catalogue = Catalogue({lang: messages})
    for key in messages:
        fresh = render(catalogue.template(lang, key), {}, lang)
        assert catalogue.text(lang, key) == fresh, key
        assert catalogue.text(lang, key) == fresh, key  # the second answer comes from the catalogue's memory
        assert catalogue.string(lang, key) == fresh.plain() == catalogue.string(lang, key), key


def test_a_message_with_values_is_rendered_with_them_every_time():
    catalogue = Catalogue({"en": {"t.n": "{n} left", "t.days": {"by": "days", "one": "a day", "other": "{days} days"}}})
    assert catalogue.string("en", "t.n") == "{n} left"  # no values: the placeholder stays as written
    assert catalogue.string("en", "t.n", n=3) == "3 left"
    assert catalogue.string("en", "t.n", n=4) == "4 left"
    assert catalogue.string("en", "t.days", days=1) == "a day"
    assert catalogue.string("en", "t.days", days=5) == "5 days"
    assert catalogue.string("en", "t.days") == "{days} days"


def _item(number: int) -> Item:
    return Item(id=number, community="demo", platform="console", space_id="console", member_id="m1",
                member_name="Ana", source="channel", kind="unsorted", text=None, channel_id="feedback",
                message_id=f"c{number}", link=f"console://console/feedback/c{number}", created_at=1_795_000_000,
                status="open", acknowledged_at=None, answered_at=None, closed_at=None, answer=None,
                text_erased_at=None, card_channel_id=None, card_message_id=None)


@pytest.mark.parametrize("lang", LOCALES)
def test_a_feedback_card_drawn_again_renders_only_its_messages_with_values(lang, monkeypatch):
    catalogue = Catalogue({lang: load_messages(lang)})
    renders: list[str] = []

    def counted(template, values, locale):
        renders.append(template)
        return render(template, values, locale)

    monkeypatch.setattr(bot.i18n, "render", counted)
    first = feedback_card(_item(1), [], catalogue, lang)
    first_renders = len(renders)
    renders.clear()
    second = feedback_card(_item(2), [], catalogue, lang)
    assert len(renders) == 2  # the title (its number) and the date received; field names, buttons: remembered
    assert first_renders > 10
    assert [f.name for f in second.fields] == [f.name for f in first.fields]
    assert [b.label for b in second.buttons] == [b.label for b in first.buttons]
