"""Templates fill whitelisted names only; hostile templates and values stay inert text."""

from __future__ import annotations

from datetime import UTC

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from bot.templates import format_value, render
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


@given(number=st.integers(min_value=-10**15, max_value=10**15), locale=st.sampled_from(["en", "fr", "de_CH", "hi"]))
def test_whole_numbers_read_exactly_as_babel_writes_them(number, locale):
    """The cheap path for whole numbers (card ids, counts) must not change a single character."""
    assert format_value(number, None, locale).plain() == format_decimal(number, locale=locale)


def naive_render(template, values, locale):
    """The reference: substitute each known placeholder, then merge neighbouring plain spans."""
    import re

    parts, cursor = [], 0
    for match in re.finditer(r"\{([A-Za-z_][A-Za-z0-9_]{0,40})(?::([a-z_]{1,20}))?\}", template):
        if match.group(1) not in values:
            continue
        parts += [template[cursor:match.start()], format_value(values[match.group(1)], match.group(2), locale)]
        cursor = match.end()
    merged = []
    for span in Text.of(*parts, template[cursor:]).spans:
        if merged and isinstance(span, Plain) and isinstance(merged[-1], Plain):
            merged[-1] = Plain(merged[-1].value + span.value)
        else:
            merged.append(span)
    return Text(tuple(merged))


_names = st.sampled_from(["a", "b", "name", "count"])
_values = st.one_of(st.text(max_size=8), st.integers(-5000, 5000), st.builds(MentionUser, st.just("7")),
                    st.builds(lambda s: Text.of("x", MentionUser("8"), s), st.text(max_size=4)))
_template_parts = st.one_of(st.text(alphabet="ab {}:x", max_size=6), _names.map(lambda n: "{" + n + "}"),
                            _names.map(lambda n: "{" + n + ":percent}"), st.just("{a.b}"))


@given(parts=st.lists(_template_parts, max_size=8), values=st.dictionaries(_names, _values, max_size=4),
       locale=st.sampled_from(["en", "fr"]))
def test_render_gives_the_spans_of_substituting_then_merging(parts, values, locale):
    template = "".join(parts)
    assert render(template, values, locale) == naive_render(template, values, locale)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       st.sampled_from([None, "percent", "hundredths", "signed"]), st.sampled_from(["fr", "en"]))
def test_numbers_read_as_babel_writes_them_with_the_locale_named(number, kind, locale):
    """The parsed locale and number pattern are kept between values: the text is Babel's own for the locale's
    name and the pattern's string."""
    from babel.numbers import format_percent

    expected = {None: lambda: format_decimal(number, locale=locale),
                "percent": lambda: format_percent(number, locale=locale),
                "hundredths": lambda: format_decimal(number, format="0.00", locale=locale),
                "signed": lambda: ("+" if number > 0 else "") + format_decimal(number, locale=locale)}[kind]()
    assert format_value(number, kind, locale).plain() == expected


@given(st.one_of(st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1500),
                st.integers(0, 1500), st.integers(0, 100_000).map(lambda n: n / 1000)),
       st.sampled_from(["fr", "en", "de_CH", "hi", "ar"]))
def test_scores_read_exactly_as_babel_writes_them(score, locale):
    """The cheap path for scores (two decimals, on every flag's card) rounds and writes as Babel does,
    half-way cases (0.125, 0.155) included."""
    assert format_value(score, "hundredths", locale).plain() == format_decimal(score, format="0.00", locale=locale)


@given(st.datetimes(timezones=st.just(UTC)), st.sampled_from([None, "date", "time"]), st.sampled_from(["fr", "en"]))
def test_instants_read_as_babel_writes_them_with_the_locale_named(when, kind, locale):
    from babel.dates import format_date, format_datetime, format_time

    expected = {None: lambda: format_datetime(when, format="medium", tzinfo=when.tzinfo, locale=locale),
                "date": lambda: format_date(when, format="long", locale=locale),
                "time": lambda: format_time(when, format="short", tzinfo=when.tzinfo, locale=locale)}[kind]()
    assert format_value(when, kind, locale).plain() == expected


def test_a_locale_is_parsed_once_however_many_values_it_formats(monkeypatch):
    """Counted, not timed: a flag card formats a score and an instant, and every card did parse its locale."""
    from datetime import datetime

    from babel import Locale

    from bot import templates

    templates._locale.cache_clear()
    parsed: list[object] = []
    original = Locale.parse

    def counting(identifier, *args, **kwargs):
        parsed.append(identifier)
        return original(identifier, *args, **kwargs)

    monkeypatch.setattr(Locale, "parse", counting)
    for index in range(50):
        format_value(0.5 + index / 100, "hundredths", "fr")
        format_value(datetime(2026, 11, 30, 10, index, tzinfo=UTC), None, "fr")
    assert parsed.count("fr") == 1
