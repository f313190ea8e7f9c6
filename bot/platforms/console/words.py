"""The console's own words (who joined, what only one member sees, the clock…) in the community's language.

The console frames the bot's messages with lines of its own; a French-speaking CM playing a scenario should
read them in French too, so they come from the `console` catalogue like every other sentence. Names and text
are filled through the safe templates, never `str.format`.
"""

from __future__ import annotations

from bot.i18n import LOCALES, Catalogue
from bot.templates import Value


class Words:
    def __init__(self, locale: str = "en", catalogue: Catalogue | None = None) -> None:
        self.locale = locale if locale in LOCALES else "en"
        self.catalogue = catalogue or Catalogue.shipped()

    def __call__(self, key: str, **values: Value) -> str:
        return self.catalogue.string(self.locale, f"console.{key}", **values)
