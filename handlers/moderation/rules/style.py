"""Shouting, emoji walls and held-down keys: three cheap rules, each with a floor so "OK" or "LOL" never flag."""

from __future__ import annotations

import re

from handlers.moderation.rules.base import Hit, MessageFacts, Severity

_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž]")
_ASCII_UPPER = bytes(range(65, 91))
SPREAD = 4  # a held-down run is first looked for as this many equal characters in a sampled text
_LETTER = re.compile(r"[^\W\d_]")
_EMOJI = re.compile(
    r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u3030\u303D\u3297\u3299]"  # pictographs
    r"|<a?:\w{1,32}:\d{1,20}>"  # Discord custom emoji
    r"|:[a-z0-9_+\-]{1,40}:"  # Slack and Discord shortcodes
)


class Capitals:
    name = "caps"

    def __init__(self, min_letters: int, ratio: float) -> None:
        self.min_letters = min_letters
        self.ratio = ratio

    def check(self, message: MessageFacts) -> Hit | None:
        text = message.text
        if len(text) < self.min_letters:
            return None
        if text.isascii():  # bytes.translate counts in C, the common case
            raw = text.encode("ascii")
            upper = len(raw) - len(raw.translate(None, _ASCII_UPPER))
        else:
            upper = len(_UPPER.findall(text))
        if upper < self.min_letters * self.ratio:
            return None
        letters = len(_LETTER.findall(text))
        if letters >= self.min_letters and upper >= letters * self.ratio:
            return Hit(self.name, Severity.LOW, f"{upper}/{letters}")
        return None


class EmojiSpam:
    name = "emoji"

    def __init__(self, max_emoji: int) -> None:
        self.max_emoji = max_emoji

    @staticmethod
    def _at_most(text: str) -> int:
        """A bound on the count of `_EMOJI` in `text`, read in C: each match takes one pictograph (beyond
        Latin-1: accented letters are not counted) or two colons, and matches do not overlap. When it is within
        the limit, the rule cannot hit and the pattern is not scanned."""
        colons = text.count(":") // 2
        return colons if text.isascii() else colons + len(text) - len(text.encode("latin-1", "ignore"))

    def check(self, message: MessageFacts) -> Hit | None:
        text = message.text
        if self._at_most(text) <= self.max_emoji:
            return None
        count = len(_EMOJI.findall(text))
        return Hit(self.name, Severity.LOW, str(count)) if count > self.max_emoji else None


class RepeatedCharacters:
    """A character held down: more than `max_run` of it in a row.

    The rule runs on every message, and the run's pattern tries a match at every character. A run of
    `max_run + 1` characters holds at least `spread` characters `step` apart that are all its own (of any
    `max_run + 1` consecutive positions, at least that many are multiples of `step`), and those are
    neighbours in `text[::step]`: the pattern scans a sampled text a `step`-th as long for them first, and
    the whole text only where they are found (`sampled=False` scans it at once, the reference)."""

    name = "repeated"

    def __init__(self, max_run: int, sampled: bool = True) -> None:
        self.max_run = max_run
        self._run = re.compile("(.)" + "\\1" * max_run, re.DOTALL)  # unrolled: faster than \1{n,}
        self.step = max(1, (max_run + 1) // SPREAD) if sampled else 1
        spread = (max_run + 1) // self.step  # same characters, `step` apart, in any run
        self._sampled = re.compile("(.)" + "\\1" * (spread - 1), re.DOTALL).search if self.step > 1 else None

    def check(self, message: MessageFacts) -> Hit | None:
        text = message.text
        if self._sampled is not None and self._sampled(text[:: self.step]) is None:
            return None
        match = self._run.search(text)
        return Hit(self.name, Severity.LOW, f"{match.group(1)!r} × {self.max_run + 1}+") if match else None
