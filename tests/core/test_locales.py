"""Every message exists in French and English, with the same placeholders; values are formatted per locale."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import LOCALES, Catalogue, load_messages
from bot.templates import placeholders


def _forms(entry) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry.values())


def test_every_key_exists_in_both_languages():
    fr, en = (set(load_messages(lang)) for lang in LOCALES)
    assert sorted(fr - en) == [], "keys only in French"
    assert sorted(en - fr) == [], "keys only in English"


def test_translations_use_the_same_placeholders():
    fr, en = (load_messages(lang) for lang in LOCALES)
    mismatched = []
    for key in fr.keys() & en.keys():
        fr_names = set().union(*(placeholders(t) for t in _forms(fr[key])))
        en_names = set().union(*(placeholders(t) for t in _forms(en[key])))
        if fr_names != en_names:
            mismatched.append((key, sorted(fr_names), sorted(en_names)))
    assert mismatched == []


def test_no_message_is_empty():
    for lang in LOCALES:
        for key, entry in load_messages(lang).items():
            assert all(form.strip() for form in _forms(entry)), f"{lang}: {key} is empty"


def test_numbers_dates_and_plurals_follow_the_locale():
    catalogue = Catalogue({"fr": {"t.n": "{n} / {share:percent} / {when:date}",
                                  "t.p": {"one": "{count} membre", "other": "{count} membres"}},
                           "en": {"t.n": "{n} / {share:percent} / {when:date}",
                                  "t.p": {"one": "{count} member", "other": "{count} members"}}})
    when = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    assert catalogue.string("fr", "t.n", n=12345.5, share=0.25, when=when) == "12\u202f345,5 / 25\xa0% / 29 mars 2026"
    assert catalogue.string("en", "t.n", n=12345.5, share=0.25, when=when) == "12,345.5 / 25% / March 29, 2026"
    assert catalogue.string("fr", "t.p", count=1) == "1 membre"
    assert catalogue.string("fr", "t.p", count=0) == "0 membre"  # French: 0 and 1 are singular
    assert catalogue.string("en", "t.p", count=0) == "0 members"
