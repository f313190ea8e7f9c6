"""The shape of a message, for the spam model: cues that hold in any language and that words do not carry.

A spam model on words alone learns the vocabulary of the sets it was trained on (British prize texts, Russian
Telegram offers) and little that carries over to a new community. What pitches share across languages is
their shape: a link (several; a shortener; a chat invite), a phone number, an amount of money or a
percentage, capitals, many digits, exclamation marks, emoji, a long text. These become coarse features
(prefixed `~`, so they never collide with words), read from the raw text (links and numbers are not words of
the normalised message), within the first `MAX_CHARS` characters: bounded work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.moderation.spam import phone_hint
from handlers.moderation.urls import SHORTENERS, Link, find_links, has_link

MAX_CHARS = 4000
MAX_LINKS = 20
CHAT_INVITES = frozenset({"t.me", "telegram.me", "telegram.dog", "wa.me", "chat.whatsapp.com", "discord.gg"})
_PHONE = re.compile(r"(?<!\w)\+?\d[\d .\-]{8,16}\d(?!\w)")
_MONEY = re.compile(r"[$€£₽¥]\s?\d|\d[\d,.]*\s?(?:[$€£₽¥]|(?:usdt?|eur|euros?|dollars?|btc|eth|k)\b)", re.I)
_PERCENT = re.compile(r"\d\s?%")
_BARE_LINK = re.compile(r"https?://|www\.", re.I)
# Necessary conditions of `_MONEY` and `_PHONE` (`spam.phone_hint`) that start with a digit, which the regular
# expression engine skips to fast (an alternation or a look-behind first is tried at every character): see
# `has_money`.
_MONEY_HINT = re.compile(r"\d[\d,.]*\s?[uedbk]", re.I)
_CURRENCIES = "$€£₽¥"
# Counted with one C-speed scan each, never a Python loop over characters (for text that is not ASCII).
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁ]")
_DIGIT = re.compile(r"\d")
_EMOJI = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff]")
# ASCII text (most messages) is counted with `bytes.translate`, which deletes a class of bytes in C.
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ASCII_UPPER = _ASCII_LETTERS[:26]
_ASCII_DIGITS = b"0123456789"
_ASCII_RUNS = re.compile("[\x00-\x7f]+")


def _ascii_counts(raw: bytes) -> tuple[int, int, int]:
    """(letters, capitals, digits) of ASCII bytes, each one `bytes.translate` that deletes a class of bytes."""
    size = len(raw)
    return (size - len(raw.translate(None, _ASCII_LETTERS)), size - len(raw.translate(None, _ASCII_UPPER)),
            size - len(raw.translate(None, _ASCII_DIGITS)))  # fmt: skip


def _counts(text: str) -> tuple[int, int, int, int]:
    """(letters, capitals, digits, emoji) of `text`: the counts of `_LETTER`, `_UPPER`, `_DIGIT` and `_EMOJI`.

    Text that is not ASCII is mostly ASCII still (an accent, an emoji): its ASCII characters are counted as
    bytes, and the regular expressions only scan the few others (each pattern's ASCII matches are exactly the
    byte classes), instead of building a list of every letter of the message."""
    if text.isascii():
        return (*_ascii_counts(text.encode("ascii")), 0)
    letters, capitals, digits = _ascii_counts(text.encode("ascii", "ignore"))
    others = _ASCII_RUNS.sub("", text)
    return (letters + len(_LETTER.findall(others)), capitals + len(_UPPER.findall(others)),
            digits + len(_DIGIT.findall(others)), len(_EMOJI.findall(others)))  # fmt: skip


def has_bare_link(text: str) -> bool:
    """`_BARE_LINK` matches: "://" is in the text, or "www." in any case ("w" matches only "w" and "W" in a
    case-blind pattern, and both lowercase to "w")."""
    return bool(("://" in text or ("." in text and "www." in text.lower())) and _BARE_LINK.search(text))


def has_money(text: str) -> bool:
    """`_MONEY` matches: it needs a currency sign, or a digit then a unit's first letter."""
    return bool((any(sign in text for sign in _CURRENCIES) or _MONEY_HINT.search(text)) and _MONEY.search(text))


def has_phone(text: str) -> bool:
    """`_PHONE` matches."""
    return bool(phone_hint(text) and _PHONE.search(text))


ShapeKey = tuple[tuple[str, ...], int, int, int, int, int]


def shape_key(text: str, found: Sequence[Link] | None = None) -> ShapeKey:
    """The shape of the raw message as a small hashable value: (the features that name links, phones, amounts
    and percentages, and the buckets of capitals, digits, length, exclamation marks and emoji). Messages share
    few distinct shapes, so a model's weights can be summed once per shape (`shape_features_of`).

    `found` is what `has_link` and `find_links` say of `text` (no links when `has_link` is false) when the
    caller already knows, for a text of at most `MAX_CHARS` characters."""
    text = text[:MAX_CHARS]
    named: list[str] = []
    links: list[Link] = []
    if found is not None:
        links = list(found[:MAX_LINKS])
    elif has_link(text):
        for index, link in enumerate(find_links(text)):
            if index >= MAX_LINKS:
                break
            links.append(link)
    if links or has_bare_link(text):
        named.append("~link")
    if len(links) >= 2:
        named.append("~links")
    for link in links:
        if link.host in SHORTENERS:
            named.append("~shortener")
        if link.host in CHAT_INVITES:
            named.append("~chat-invite")
        named.append("~tld:" + link.host.rsplit(".", 1)[-1])
    letters, capitals, digits, emoji = _counts(text)
    if digits:
        if has_phone(text):
            named.append("~phone")
        if has_money(text):
            named.append("~money")
        if "%" in text and _PERCENT.search(text):
            named.append("~percent")
    return (tuple(sorted(set(named))), min(capitals * 5 // letters, 4) if letters else -1, min(digits // 4, 4),
            min(len(text) // 60, 6), min(text.count("!"), 3), min(emoji // 2, 3))  # fmt: skip


def shape_features_of(key: ShapeKey) -> set[str]:
    """The features of a shape (see `shape_key`)."""
    named, capitals, digits, length, exclamations, emoji = key
    features = set(named)
    if capitals >= 0:
        features.add(f"~capitals:{capitals}")
    features.add(f"~digits:{digits}")
    features.add(f"~length:{length}")
    features.add(f"~exclamations:{exclamations}")
    features.add(f"~emoji:{emoji}")
    return features


def shape_features(text: str) -> set[str]:
    """Coarse, language-independent features of the raw message (see the module's docstring)."""
    return shape_features_of(shape_key(text))
