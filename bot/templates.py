"""Safe template rendering: `{name}` placeholders filled from a whitelist, never `str.format`.

Templates come from our catalogues and from community managers (welcome messages); values come from members
(display names) and from figures. `str.format` would let a template reach attributes (`{member.__class__}`)
and would let a value's braces be read as syntax, so we substitute names ourselves: a placeholder is `{name}`
or `{name:kind}` with `name` an identifier; anything else (dots, brackets, unknown names) stays literal text.
Values are formatted for the locale with Babel and become `Plain` spans, which adapters escape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.numbers import (
    NumberPattern,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

from bot.text import Plain, Span, Text

Value = str | int | float | date | datetime | time | timedelta | Span | Text
HUNDREDTHS_FAST_BELOW = 1000  # "0.00" writes no group separator below this: plain digits and the decimal point
CENT = Decimal("0.01")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,40})(?::([a-z_]{1,20}))?\}")


def format_value(value: Value, kind: str | None, locale: str) -> Text:
    """Turn one value into text for `locale`; `kind` refines numbers and dates (percent, date, time...)."""
    if isinstance(value, Text):
        return value
    if isinstance(value, Span):
        return Text((value,))
    if isinstance(value, bool):
        return Text.of(str(value))
    if isinstance(value, int) and kind is None and value >= 0 and (group := _group_of_three(locale)) is not None:
        return Text.of(f"{value:,}".replace(",", group))  # what Babel writes, ten times cheaper (ids, counts)
    if (kind == "hundredths" and isinstance(value, int | float) and 0 <= value < HUNDREDTHS_FAST_BELOW
            and (point := _plain_decimal_point(locale)) is not None):
        return Text.of(_hundredths(value).replace(".", point))  # what Babel writes (scores on every flag's card)
    return _babel_value(value, kind, _locale(locale))


def _babel_value(value: Value, kind: str | None, locale: Locale) -> Text:
    """What Babel writes for `value`, given the parsed `locale` (parsing it again at every value cost more than
    formatting: a card with a score and a date did it a dozen times)."""
    if isinstance(value, int | float):
        if kind == "percent":
            return Text.of(format_percent(value, locale=locale))
        if kind == "hundredths":  # a score: always two decimals, in the locale's own digits (« 0,90 »)
            return Text.of(format_decimal(value, format=_number_pattern("0.00"), locale=locale))
        if kind == "signed":
            sign = "+" if value > 0 else ""
            return Text.of(sign + format_decimal(value, locale=locale))
        return Text.of(format_decimal(value, locale=locale))
    if isinstance(value, datetime):
        if kind == "date":
            return Text.of(format_date(value, format="long", locale=locale))
        if kind == "time":
            return Text.of(format_time(value, format="short", tzinfo=value.tzinfo, locale=locale))
        return Text.of(format_datetime(value, format="medium", tzinfo=value.tzinfo, locale=locale))
    if isinstance(value, date):
        return Text.of(format_date(value, format="long" if kind != "short" else "short", locale=locale))
    if isinstance(value, time):
        return Text.of(format_time(value, format="short", locale=locale))
    if isinstance(value, timedelta):
        return Text.of(format_timedelta(value, locale=locale))
    return Text.of(str(value))


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@cache
def _group_of_three(locale: str) -> str | None:
    """The locale's group separator when it writes whole numbers in plain groups of three (`#,##0.###`, as
    English and French do), else None: then Babel formats every number."""
    pattern = Locale.parse(locale).decimal_formats[None]
    if pattern.pattern != "#,##0.###" or pattern.grouping != (3, 3):
        return None
    group = get_group_symbol(locale=locale)
    probes = (0, 7, 999, 1000, 12345, 1000000, 123456789012345)
    if any(f"{n:,}".replace(",", group) != format_decimal(n, locale=locale) for n in probes):
        return None  # the locale has its own habits (a minimum of digits before grouping...): Babel decides
    return group


def _hundredths(value: int | float) -> str:
    """`value` rounded to two decimals as Babel rounds (the decimal written by `str`, half to even)."""
    return str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_EVEN))


@cache
def _plain_decimal_point(locale: str) -> str | None:
    """The locale's decimal symbol when Babel writes a two-decimal number (`0.00`) below 1,000 as plain ASCII
    digits around it (English and French do), else None: then Babel formats every such number."""
    point = get_decimal_symbol(locale=locale)
    probes = (0, 1, 0.005, 0.015, 0.125, 0.155, 0.5, 0.9, 0.994, 0.995, 0.999, 7.25, 12.345, 999.99, 999.994)
    pattern = _number_pattern("0.00")
    if any(_hundredths(n).replace(".", point) != format_decimal(n, format=pattern, locale=locale) for n in probes):
        return None
    return point


def render(template: str, values: Mapping[str, Value], locale: str) -> Text:
    """Fill `template`'s known placeholders with `values`; unknown ones stay as written.

    Every message the bot writes passes here, so the template is parsed once (`_pieces`) and neighbouring
    plain text is joined as it is built: the result is the same spans as substituting, then merging."""
    spans: list[Span] = []
    pending: list[str] = []  # plain text not yet closed into a span
    for literal, name, kind, written in _pieces(template):
        pending.append(literal)
        if name is None:
            continue
        if name not in values:
            pending.append(written)
            continue
        value = values[name]
        if isinstance(value, str):
            pending.append(value)
            continue
        for span in format_value(value, kind, locale).spans:
            if isinstance(span, Plain):
                pending.append(span.value)
            else:
                if plain := "".join(pending):
                    spans.append(Plain(plain))
                pending.clear()
                spans.append(span)
    if plain := "".join(pending):
        spans.append(Plain(plain))
    return Text(tuple(spans))


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, str | None, str | None, str], ...]:
    """(text before, placeholder name, kind, the placeholder as written) for each placeholder, then the rest."""
    pieces = []
    cursor = 0
    for match in PLACEHOLDER.finditer(template):
        pieces.append((template[cursor : match.start()], match.group(1), match.group(2), match.group(0)))
        cursor = match.end()
    pieces.append((template[cursor:], None, None, ""))
    return tuple(pieces)


def placeholders(template: str) -> set[str]:
    return {m.group(1) for m in PLACEHOLDER.finditer(template)}
