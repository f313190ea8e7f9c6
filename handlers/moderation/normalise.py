"""Turning a message into the plain lowercase words that word lists are matched against.

People hide words from filters: c.o.n.n.a.r.d, f u c k, fuuuuck, b1tch, &#99;on, zero-width spaces inside a word,
Cyrillic letters that look Latin, accents, 𝐛𝐨𝐥𝐝 letters. Every step here undoes one trick, and every step is a
`str` method, a `str.translate` table or one regular expression without nested repetition, so the whole
pipeline is linear in the message length and runs in C. Expensive steps only run when a cheap test says the
trick may be present (an `&` for entities, a non-ASCII character for Unicode folding).
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import NamedTuple

# Look-alike letters from other scripts, after lowercasing (Cyrillic, Greek), and ligatures NFKD leaves alone.
_CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h",
    "ӏ": "l", "ո": "n", "ս": "u", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s",
    "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ŀ": "l",
}  # fmt: skip
_INVISIBLE = [
    *range(0x0300, 0x0370), *range(0x1AB0, 0x1B00), *range(0x1DC0, 0x1E00), *range(0x20D0, 0x2100),
    *range(0xFE20, 0xFE30), *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070),
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180E, 0x3164, 0xFEFF, 0xFE0E, 0xFE0F,
    *range(0xD800, 0xE000),  # lone surrogates a platform may hand us: dropped, never an error
]  # fmt: skip
_FOLD = str.maketrans({**{chr(c): None for c in _INVISIBLE}, **_CONFUSABLES})

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                       "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e"})  # fmt: skip
_LEET_CHARS = "0-9@$!|+€"
# A letter touching a digit or symbol inside a word: the only place where "3" is likely an "e".
_LEET_HINT = re.compile(r"[a-z](?:[0-9$@€]|[!|+](?=[a-z0-9]))|[0-9$!|+€][a-z]")
# A cheaper superset of _LEET_HINT, tried first: a leet character touching a letter on either side.
_LEET_QUICK = re.compile(rf"[{_LEET_CHARS}](?:(?<=[a-z][{_LEET_CHARS}])|(?=[a-z]))")
_LEET_TOKEN = re.compile(rf"(?<![\w{_LEET_CHARS}])[\w{_LEET_CHARS}]+")
_REPEATS = re.compile(r"([a-z])\1\1+")
_REPEATS_QUICK = re.compile(r"([a-z])\1\1")
# Links and @handles are not words of the message ("RT @user:" chains, t.co/AbC123 paths).
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+")
# Three or more single letters split by dots, spaces, dashes...: c.o.n.n.a.r.d, f u c k.
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z0-9][ .\-_*·,'/\\~]+){2,}[a-z0-9](?![a-z0-9])")
_SEP = r"[ .\-_*·,'/\\~]"
# Quick tests for _SPACED: a single letter between separators (inside the text, or at its start).
_SPACED_QUICK = re.compile(rf"{_SEP}[a-z0-9]{_SEP}+[a-z0-9]{_SEP}")
_SPACED_START = re.compile(rf"[a-z0-9]{_SEP}+[a-z0-9]{_SEP}")
_SPACERS = re.compile(r"[^a-z0-9]+")
# Punctuation inside a word: con.nard, sa_lope.
_INNER = re.compile(r"[._·](?<=[a-z][._·])(?=[a-z])")
_WORDS = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII-ish text: entities decoded, accents, invisible characters and look-alikes removed."""
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKD", text).lower().translate(_FOLD) if not text.isascii() else text.lower()
    return text


def _deleet_token(match: re.Match[str]) -> str:
    token = match.group()
    body = token.rstrip("!|+")  # "hello!" ends a sentence; "sh!t" hides a letter
    if any(c.isalpha() for c in body) and not body.isalpha():
        return body.translate(_LEET) + token[len(body) :]
    return token


def _unspace(match: re.Match[str]) -> str:
    return _SPACERS.sub("", match.group())


class Normalised(NamedTuple):
    """The words of a message. `stretched` holds the words with 3+ repeated letters squeezed to one."""

    text: str
    words: tuple[str, ...]
    squeezed: tuple[str, ...] = ()


def normalise(text: str) -> Normalised:
    """All the tricks undone; `words` for word lists, `text` (one space between words) for phrases."""
    folded = fold(text)
    if "/" in folded or "@" in folded:
        folded = _NOISE.sub(" ", folded)
    if _LEET_QUICK.search(folded) and _LEET_HINT.search(folded):
        folded = _LEET_TOKEN.sub(_deleet_token, folded)
    if "." in folded or "_" in folded or "·" in folded:
        folded = _INNER.sub("", folded)
    if _SPACED_QUICK.search(folded) or _SPACED_START.match(folded):
        folded = _SPACED.sub(_unspace, folded)
    squeezed: tuple[str, ...] = ()
    if _REPEATS_QUICK.search(folded):
        squeezed = tuple(_WORDS.findall(_REPEATS.sub(r"\1", folded)))
        folded = _REPEATS.sub(r"\1\1", folded)
    words = tuple(_WORDS.findall(folded))
    return Normalised(" ".join(words), words, squeezed)


def normalise_term(term: str) -> str:
    """A list entry in the same form as message words (spaces kept between the words of a phrase)."""
    return " ".join(_WORDS.findall(fold(term)))
