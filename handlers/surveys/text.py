"""Cleaning what members and staff type into a survey: kept as written (it is shown escaped, never run), minus
what no reader needs and what could hide or disguise text (control characters, bidi overrides, lone
surrogates), and cut to the configured length."""

from __future__ import annotations

import unicodedata

_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def _kept(char: str, multiline: bool) -> bool:
    if char in _BIDI:
        return False
    if char == "\n":
        return multiline
    if char == "\t":
        return True
    category = unicodedata.category(char)
    return category not in ("Cc", "Cs")


def clean_text(value: str, limit: int, *, multiline: bool) -> str:
    kept = "".join(c for c in value.replace("\r\n", "\n").replace("\r", "\n") if _kept(c, multiline))
    return kept.strip()[:limit].strip()


def clean_comment(value: str, limit: int) -> str:
    return clean_text(value, limit, multiline=True)


def clean_question(value: str, limit: int) -> str:
    return clean_text(value, limit, multiline=False)
