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

# Look-alike letters from other scripts, after lowercasing (Cyrillic, Greek), and ligatures NFKD leaves alone.
_CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h",
    "ӏ": "l", "ո": "n", "ս": "u", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s",
    "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ŀ": "l",
}  # fmt: skip
_LOOKALIKES = str.maketrans(_CONFUSABLES)
_LOOKALIKE = re.compile("[" + "".join(_CONFUSABLES) + "]")
# Invisible and combining characters as one character class: a C-speed scan instead of a per-character
# dictionary look-up (the ranges are contiguous, so the class stays small).
_INVISIBLE_CLASS = re.compile(
    "["
    + "".join(
        f"\\u{lo:04x}-\\u{hi:04x}" if lo != hi else f"\\u{lo:04x}"
        for lo, hi in (
            (0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
            (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x00AD, 0x00AD), (0x034F, 0x034F),
            (0x061C, 0x061C), (0x115F, 0x1160), (0x180E, 0x180E), (0x3164, 0x3164), (0xFEFF, 0xFEFF),
            (0xFE0E, 0xFE0F), (0xD800, 0xDFFF),
        )
    )
    + "]"
)  # fmt: skip

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                       "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e"})  # fmt: skip
_LEET_CHARS = "0-9@$!|+€"
# A letter touching a digit or symbol inside a word: the only place where "3" is likely an "e".
_LEET_HINT = re.compile(r"[a-z](?:[0-9$@€]|[!|+](?=[a-z0-9]))|[0-9$!|+€][a-z]")
# A cheaper superset of _LEET_HINT, tried first: a leet character touching a letter on either side.
_LEET_QUICK = re.compile(rf"[{_LEET_CHARS}](?:(?<=[a-z][{_LEET_CHARS}])|(?=[a-z]))")
_LEET_TOKEN = re.compile(rf"(?<![\w{_LEET_CHARS}])[\w{_LEET_CHARS}]+")
# The tokens of `_LEET_TOKEN` that hold a leet character: the only ones `_deleet_token` may change, so the others
# are not handed to Python at all (the same tokens, found whole: the look-behind starts a token, the last run
# ends it).
_LEET_TOKEN_WITH_LEET = re.compile(rf"(?<![\w{_LEET_CHARS}])[\w{_LEET_CHARS}]*?[{_LEET_CHARS}][\w{_LEET_CHARS}]*")
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


# `html.unescape`'s own pattern of a character reference. Its replacement depends on the reference alone, so each
# is worked out once by `html.unescape` and kept: a message's references are then replaced by one split and one
# join in C, instead of a call to Python per reference (tweets are full of "&amp;" and "&#8220;").
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
REFERENCES_KEPT = 4096  # distinct references whose replacement is kept: bounded memory


class _References(dict[str, str]):
    def __missing__(self, reference: str) -> str:
        if len(self) >= REFERENCES_KEPT:
            self.clear()
        replacement = self[reference] = html.unescape("&" + reference)
        return replacement


_REFERENCES = _References()
_split_references = _CHARREF.split


def unescape(text: str) -> str:
    """`html.unescape(text)`, each distinct reference worked out once."""
    parts = _split_references(text)
    if len(parts) == 1:
        return text
    parts[1::2] = map(_REFERENCES.__getitem__, parts[1::2])
    return "".join(parts)


def fold(text: str) -> str:
    """Lowercase ASCII-ish text: entities decoded, accents, invisible characters and look-alikes removed."""
    if "&" in text:
        text = unescape(text)
    return text.lower() if text.isascii() else _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    folded = _INVISIBLE_CLASS.sub("", unicodedata.normalize("NFKD", text).lower())
    return folded.translate(_LOOKALIKES) if _LOOKALIKE.search(folded) else folded


def _deleet_token(match: re.Match[str]) -> str:
    token = match.group()
    body = token.rstrip("!|+")  # "hello!" ends a sentence; "sh!t" hides a letter
    if any(c.isalpha() for c in body) and not body.isalpha():
        return body.translate(_LEET) + token[len(body) :]
    return token


def _unspace(match: re.Match[str]) -> str:
    return _SPACERS.sub("", match.group())


class Normalised:
    """The words of a message; `squeezed` holds them with 3+ repeated letters squeezed to one ("fuuuck").

    `source` is the folded text the words were cut from, punctuation kept, for rules that need clauses;
    `raw` is the original text, for terms whose accents make the word (`accented`).
    """

    __slots__ = ("_accented", "_text", "raw", "source", "squeezed", "words")

    def __init__(
        self, words: list[str], squeezed: list[str] | None = None, source: str | None = None, raw: str = ""
    ) -> None:
        self.words = words
        self.squeezed = squeezed
        self.source = " ".join(words) if source is None else source
        self.raw = raw
        self._text: str | None = None
        self._accented: frozenset[str] | None = None

    @property
    def accented(self) -> frozenset[str]:
        """The message's words lowercased with their accents kept (« bridé », not « bride »).

        Built only when a term that keeps its accents asks. An ASCII message has no accented word at all, so
        « bride » never matches the term « bridé ».
        """
        if self._accented is None:
            if self.raw.isascii():
                self._accented = frozenset()
            else:
                text = unicodedata.normalize("NFC", self.raw[:ACCENTED_WINDOW].lower())
                self._accented = frozenset(_LETTER_WORDS.findall(text))
        return self._accented

    @property
    def text(self) -> str:
        """The words joined by single spaces: for substring and regex terms, built only when one asks."""
        if self._text is None:
            self._text = " ".join(self.words)
        return self._text

    def __repr__(self) -> str:
        return f"Normalised({self.words!r}, squeezed={self.squeezed!r})"


_unescape = unescape
_noise = _NOISE.sub
_leet_quick = _LEET_QUICK.search
_leet_hint = _LEET_HINT.search
_leet_sub = _LEET_TOKEN_WITH_LEET.sub
_inner = _INNER.sub
_spaced_quick = _SPACED_QUICK.search
_spaced_start = _SPACED_START.match
_spaced = _SPACED.sub
_repeats_quick = _REPEATS_QUICK.search
_repeats = _REPEATS.sub
_words = _WORDS.findall
ACCENTED_WINDOW = 20_000  # accented words are read from this many characters at most: bounded work
_LETTER_WORDS = re.compile(r"[^\W\d_]+")
# `_WORDS` on ASCII text: every byte but a-z and 0-9 becomes a space (one `bytes.translate`, a table look-up per
# byte in C) and `str.split` cuts the words, instead of the regular expression building each match.
_APART = bytes(code if (97 <= code <= 122 or 48 <= code <= 57) else 32 for code in range(256))


def _words_of(folded: str) -> list[str]:
    """`_WORDS.findall(folded)`: the runs of a-z and 0-9."""
    return folded.encode().translate(_APART).decode().split() if folded.isascii() else _words(folded)


def normalise(text: str) -> Normalised:
    """All the tricks undone. Each slow step runs only when a cheap test says its trick may be present; the
    words of ASCII text are cut without a regular expression (`normalise_full` is the same pipeline with one at
    every step, the reference these shortcuts are tested against)."""
    if "&" in text:
        text = _unescape(text)
    folded = text.lower() if text.isascii() else _fold_unicode(text)
    if "/" in folded or "@" in folded:
        folded = _noise(" ", folded)
    if _leet_quick(folded) and _leet_hint(folded):
        folded = _leet_sub(_deleet_token, folded)
    if "." in folded or "_" in folded or "·" in folded:
        folded = _inner("", folded)
    if _spaced_quick(folded) or _spaced_start(folded):
        folded = _spaced(_unspace, folded)
    if _repeats_quick(folded):
        doubled = _repeats(r"\1\1", folded)
        return Normalised(_words_of(doubled), _words_of(_repeats(r"\1", folded)), doubled, text)
    return Normalised(_words_of(folded), None, folded, text)


def normalise_full(text: str) -> Normalised:
    """`normalise` with a regular expression or `html.unescape` at every step: the reference."""
    if "&" in text:
        text = html.unescape(text)
    folded = text.lower() if text.isascii() else _fold_unicode(text)
    if "/" in folded or "@" in folded:
        folded = _noise(" ", folded)
    if _leet_quick(folded) and _leet_hint(folded):
        folded = _LEET_TOKEN.sub(_deleet_token, folded)
    if "." in folded or "_" in folded or "·" in folded:
        folded = _inner("", folded)
    if _spaced_quick(folded) or _spaced_start(folded):
        folded = _spaced(_unspace, folded)
    if _repeats_quick(folded):
        doubled = _repeats(r"\1\1", folded)
        return Normalised(_words(doubled), _words(_repeats(r"\1", folded)), doubled, text)
    return Normalised(_words(folded), None, folded, text)


def normalise_term(term: str) -> str:
    """A list entry in the same form as message words (spaces kept between the words of a phrase)."""
    return " ".join(_WORDS.findall(fold(term)))
