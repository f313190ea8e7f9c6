"""The words a pattern's match can begin with, read from the pattern itself when it is compiled.

The hate patterns run over a clause written as space-separated tokens (word classes and plain words), and
every one begins at a word boundary: a match starts at a token, and when the pattern opens with a literal
word or an alternation of them (« (?:mort aux|death to) … », "\\bG …"), that token is one of a known few.
A clause holding none of them cannot match, so the pattern need not be searched at all: one set test in C
instead of a regular-expression scan. The set is derived from the parsed pattern, never typed beside it, so
a pattern edited or added keeps an exact anchor (or none, when its start is not a plain word).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Generic, TypeVar

SPACE = ord(" ")
MAX_ANCHORS = 256  # more first words than this: no anchor (the set test would cost more than it saves)
_NOT_CONSUMING = (_c.ASSERT, _c.ASSERT_NOT)
KEYS_KEPT = 4096  # distinct token sets whose candidates are kept: bounded memory
P = TypeVar("P")


def required_tokens(pattern: str) -> tuple[frozenset[str], ...]:
    """For each whole token every match of `pattern` must hold (its first word, a verb after a gap…), the
    few it can be: a line lacking all of one set's tokens cannot match. Empty when nothing can be told (the
    pattern does not start at a word boundary, or no token of it is a plain word or alternation of words)."""
    try:
        items = list(_parser.parse(pattern))
    except re.error:
        return ()
    if not items or items[0][0] is not _c.AT or items[0][1] is not _c.AT_BOUNDARY:
        return ()  # without a leading \b the match may begin in the middle of a token
    found = []
    starts = True  # a token begins at this item (after the leading \b, a space, or a gap ending in a space)
    for index in range(1, len(items)):
        op, arg = items[index]
        if starts:
            tokens = _prefixes(items[index:])
            if tokens is not None and "" not in tokens and len(tokens) <= MAX_ANCHORS:
                found.append(frozenset(tokens))
        if op is _c.LITERAL:
            starts = arg == SPACE
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            body = list(arg[2])
            starts = starts and bool(body) and body[-1] == (_c.LITERAL, SPACE)  # "(?:\w+ ){0,3}" keeps a start
        elif op is _c.AT or op in _NOT_CONSUMING:
            continue
        else:
            starts = False
    return tuple(dict.fromkeys(found))


def _prefixes(items: list) -> set[str] | None:
    """The strings the first token can be: literal characters read up to a space or a word boundary that a
    space or the pattern's end follows. None when that cannot be told."""
    if not items:
        return None  # the token may go on past the pattern's end ("\\bmort" matches "mortel")
    op, arg = items[0]
    rest = items[1:]
    if op is _c.AT:
        if arg is _c.AT_BOUNDARY and (not rest or rest[0] == (_c.LITERAL, SPACE)):
            return {""}  # the token ends here
        return _prefixes(rest)
    if op in _NOT_CONSUMING:
        return _prefixes(rest)
    if op is _c.LITERAL:
        if arg == SPACE:
            return {""}
        tails = _prefixes(rest)
        return None if tails is None else {chr(arg) + tail for tail in tails}
    if op is _c.SUBPATTERN:
        return _prefixes(list(arg[-1]) + rest)
    if op is _c.BRANCH:
        found: set[str] = set()
        for branch in arg[1]:
            tails = _prefixes(list(branch) + rest)
            if tails is None:
                return None
            found |= tails
            if len(found) > MAX_ANCHORS:
                return None
        return found
    return None


class Anchored(Generic[P]):
    """Patterns in their order, each with the token sets its match needs (`required`: one token of each set
    in the line, see `required_tokens`): `candidates` gives the patterns a line's tokens leave possible.

    Only the tokens some pattern names matter, so the answer is kept per set of those (a few dozen occur):
    one set intersection and one dictionary look-up per line instead of a test per pattern."""

    def __init__(self, patterns: Sequence[P], required: Callable[[P], Sequence[frozenset[str]]]) -> None:
        self.patterns = tuple(patterns)
        self._required = [tuple(required(p)) for p in self.patterns]
        self.tokens = frozenset().union(*(s for sets in self._required for s in sets))
        self._known: dict[frozenset[str], tuple[P, ...]] = {}

    def candidates(self, present: set[str] | frozenset[str]) -> tuple[P, ...]:
        key = self.tokens.intersection(present)
        known = self._known.get(key)
        if known is None:
            known = tuple(
                pattern for pattern, required in zip(self.patterns, self._required, strict=True)
                if all(not tokens.isdisjoint(key) for tokens in required)
            )  # fmt: skip
            if len(self._known) >= KEYS_KEPT:
                self._known.clear()
            self._known[key] = known
        return known
