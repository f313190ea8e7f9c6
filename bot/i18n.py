"""Message catalogues: every sentence the bot writes, in French and English.

Catalogues are TOML files under `config/locales/<lang>/<feature>.toml`, so each feature keeps its wording next
to the others' without sharing a file; a key is `<feature>.<key>` (nested tables add dots). A value is a
template (see `bot.templates`) or a plural table `{ one = "...", other = "..." }` chosen with Babel's plural
rules for the locale from the `count` value, or from the value named by the table's `by` key
(`{ by = "days", one = "hier", other = "ces {days} derniers jours" }`), so « 1 jour » never reads « 1 jours ».
TOML rather than gettext: translators edit one readable file per feature, no compile step, and the completeness
test compares key sets directly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from copy import copy
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from babel import Locale
from babel.numbers import format_percent

from bot.templates import Value, render
from bot.text import Text

LOCALES = ("fr", "en")
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
PLURAL_DRIVER = "by"  # in a plural table: the name of the value that picks the form (default `count`)


class MissingMessage(KeyError):
    pass


def _flatten(prefix: str, table: Mapping[str, Any]) -> Iterator[tuple[str, str | dict[str, str]]]:
    for key, value in table.items():
        dotted = f"{prefix}.{key}"
        if isinstance(value, str):
            yield dotted, value
        elif isinstance(value, dict) and set(value) <= {*PLURAL_FORMS, PLURAL_DRIVER} and "other" in value:
            yield dotted, dict(value)
        elif isinstance(value, dict):
            yield from _flatten(dotted, value)
        else:
            raise ValueError(f"catalogue entry {dotted} must be a string or a table")


def _locale_dir(lang: str) -> Traversable:
    return resources.files("config").joinpath("locales", lang)


def load_messages(lang: str) -> dict[str, str | dict[str, str]]:
    messages: dict[str, str | dict[str, str]] = {}
    folder = _locale_dir(lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        feature = entry.name.removesuffix(".toml")
        table = tomllib.loads(entry.read_text(encoding="utf-8"))
        messages.update(_flatten(feature, table))
    return messages


class Catalogue:
    """Looks up and renders messages for a locale."""

    def __init__(self, messages: Mapping[str, Mapping[str, str | dict[str, str]]]) -> None:
        self._messages = messages
        self._plural = {lang: Locale.parse(lang).plural_form for lang in messages}
        self._constant: dict[tuple[str, str], Text] = {}  # messages asked for without values, rendered once
        self._constant_plain: dict[tuple[str, str], str] = {}  # and their plain text

    @classmethod
    @cache
    def shipped(cls) -> Catalogue:
        """The catalogues shipped in `config/locales` (loaded once per process)."""
        return cls({lang: load_messages(lang) for lang in LOCALES})

    def keys(self, lang: str) -> set[str]:
        return set(self._messages[lang])

    def _entry(self, lang: str, key: str) -> str | dict[str, str]:
        try:
            return self._messages[lang][key]
        except KeyError:
            raise MissingMessage(f"no message {key!r} in locale {lang!r}") from None

    def plural_driver(self, lang: str, key: str) -> str:
        """The name of the value that picks `key`'s plural form (`count` unless the table says otherwise)."""
        entry = self._entry(lang, key)
        return entry.get(PLURAL_DRIVER, "count") if isinstance(entry, dict) else "count"

    def template(self, lang: str, key: str, count: float | None = None) -> str:
        entry = self._entry(lang, key)
        if isinstance(entry, str):
            return entry
        form = self._plural[lang](abs(count)) if count is not None else "other"
        return entry.get(form, entry["other"])

    def text(self, lang: str, key: str, **values: Value) -> Text:
        """The message `key` in `lang`, filled with `values` (a `count` value picks the plural form).

        A message asked for without values (a card's field names and buttons, a status) is the same `Text`
        every time (texts are immutable): it is rendered once per catalogue and handed out again."""
        if not values:
            constant = self._constant.get((lang, key))
            if constant is None:
                constant = self._constant[(lang, key)] = render(self.template(lang, key), values, lang)
            return constant
        count = values.get(self.plural_driver(lang, key))
        number = count if isinstance(count, int | float) and not isinstance(count, bool) else None
        return render(self.template(lang, key, number), values, lang)

    def string(self, lang: str, key: str, **values: Value) -> str:
        """The same as plain text, for places with no markup (logs, CLI, labels)."""
        if not values:
            constant = self._constant_plain.get((lang, key))
            if constant is None:
                constant = self._constant_plain[(lang, key)] = self.text(lang, key).plain()
            return constant
        return self.text(lang, key, **values).plain()


def precise_percent(value: float, lang: str) -> str:
    """A share with one decimal in the locale's own pattern (« 2,4 % » in French, "2.4%" in English).

    A custom pattern string such as `#,##0.#%` would drop the locale's no-break space before « % »; copying
    the locale's pattern and widening its fraction keeps each language's typography.
    """
    pattern = copy(Locale.parse(lang).percent_formats[None])
    pattern.frac_prec = (0, 1)
    return format_percent(value, format=pattern, locale=lang)
