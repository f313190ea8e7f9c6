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

from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.numbers import format_decimal, format_percent

from bot.text import Plain, Span, Text

Value = str | int | float | date | datetime | time | timedelta | Span | Text
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,40})(?::([a-z_]{1,20}))?\}")


def format_value(value: Value, kind: str | None, locale: str) -> Text:
    """Turn one value into text for `locale`; `kind` refines numbers and dates (percent, date, time...)."""
    if isinstance(value, Text):
        return value
    if isinstance(value, Span):
        return Text((value,))
    if isinstance(value, bool):
        return Text.of(str(value))
    if isinstance(value, int | float):
        if kind == "percent":
            return Text.of(format_percent(value, locale=locale))
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


def render(template: str, values: Mapping[str, Value], locale: str) -> Text:
    """Fill `template`'s known placeholders with `values`; unknown ones stay as written."""
    parts: list[Text | str] = []
    cursor = 0
    for match in PLACEHOLDER.finditer(template):
        name, kind = match.group(1), match.group(2)
        if name not in values:
            continue
        parts.append(template[cursor : match.start()])
        parts.append(format_value(values[name], kind, locale))
        cursor = match.end()
    parts.append(template[cursor:])
    return _merge_plain(Text.of(*parts))


def _merge_plain(text: Text) -> Text:
    merged: list[Span] = []
    for span in text.spans:
        if merged and isinstance(span, Plain) and isinstance(merged[-1], Plain):
            merged[-1] = Plain(merged[-1].value + span.value)
        else:
            merged.append(span)
    return Text(tuple(merged))


def placeholders(template: str) -> set[str]:
    return {m.group(1) for m in PLACEHOLDER.finditer(template)}
