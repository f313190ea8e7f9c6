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
MAX_STRINGS = 1024  # a literal run written more ways than this is not read for its longest words
_STARTS = (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_BOUNDARY)
_NOT_CONSUMING = (_c.ASSERT, _c.ASSERT_NOT)
KEYS_KEPT = 4096  # distinct token sets whose candidates are kept: bounded memory
P = TypeVar("P")


def required_tokens(pattern: str) -> tuple[frozenset[str], ...]:
    """For each whole token every match of `pattern` must hold (its first word, a verb after a gap…), the
    few it can be: a line lacking all of one set's tokens cannot match. Two kinds of set are read at each
    place where a token starts (after a leading `\\b` or `^`, a space, or a gap ending in a space): the words
    the token there can be, and, where a run of literal words follows (« (?:mort aux|death to) »), the
    longest word of each way the run can be written (« mort », « death »), which is rarer than its first
    (« a » in « a mort les »). Empty when nothing can be told."""
    try:
        items = list(_parser.parse(pattern))
    except re.error:
        return ()
    found = []
    for index in range(len(items)):
        if not _ends_at_start(items[:index], False):
            continue  # the match may be inside a token here
        tokens = _prefixes(items[index:])
        if tokens is not None and "" not in tokens and len(tokens) <= MAX_ANCHORS:
            found.append(frozenset(tokens))
        longest = _longest_words(items[index:])
        if longest is not None:
            found.append(longest)
    return tuple(dict.fromkeys(found))


def _ends_at_start(items: list, before: bool) -> bool:
    """Whether the text `items` match always ends where a token starts (`before`: whether it starts at one).
    Lines are tokens of letters and digits split by single spaces, so a space, a line's start or a `\\b` that
    a letter or digit follows (the next item's business) starts a token."""
    if not items:
        return before
    op, arg = items[-1]
    head = items[:-1]
    if op is _c.LITERAL:
        return bool(arg == SPACE)
    if op is _c.AT:
        return arg in _STARTS or _ends_at_start(head, before)
    if op in _NOT_CONSUMING:
        return _ends_at_start(head, before)
    if op is _c.SUBPATTERN:
        return _ends_at_start(head + list(arg[-1]), before)
    if op is _c.BRANCH:
        return all(_ends_at_start(head + list(branch), before) for branch in arg[1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, body = arg
        some = _ends_at_start(list(body), False)  # the last turn ends as the body does
        return some and (low > 0 or _ends_at_start(head, before))
    return False


def _strings(items: list) -> set[str] | None:
    """Every string `items` can match when they are literal characters, alternations and short repeats of
    them (assertions are skipped: a superset), else None; None past `MAX_STRINGS` too."""
    found = {""}
    for op, arg in items:
        if op is _c.LITERAL:
            found = {text + chr(arg) for text in found}
            continue
        if op is _c.AT or op in _NOT_CONSUMING:
            continue
        if op is _c.SUBPATTERN:
            inner = _strings(list(arg[-1]))
        elif op is _c.BRANCH:
            inner = set()
            for branch in arg[1]:
                own = _strings(list(branch))
                if own is None:
                    return None
                inner |= own
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[1] <= 3:
            body = _strings(list(arg[2]))
            if body is None:
                return None
            inner, turns = set(), {""}
            for count in range(arg[1] + 1):
                if count >= arg[0]:
                    inner |= turns
                turns = {text + more for text in turns for more in body}
                if len(turns) > MAX_STRINGS:
                    return None
        else:
            return None
        if inner is None:
            return None
        found = {text + more for text in found for more in inner}
        if len(found) > MAX_STRINGS:
            return None
    return found


def _longest_words(items: list) -> frozenset[str] | None:
    """The longest whole word of each string the literal run at the start of `items` can match (the run
    starts a token), or None when some string holds no whole word or the run is not literal."""
    best: tuple[int, set[str]] | None = None
    for end in range(1, len(items) + 1):
        strings = _strings(items[:end])
        if strings is None:
            break
        best = (end, strings)
    if best is None:
        return None
    end, strings = best
    last_whole = _token_ends(items, end)
    words = set()
    for text in strings:
        parts = text.split(" ")
        whole = [part for part in (parts if last_whole else parts[:-1]) if part]
        if not whole:
            return None
        words.add(max(whole, key=len))
    return frozenset(words) if len(words) <= MAX_ANCHORS else None


def _token_ends(items: list, end: int) -> bool:
    """Whether a token ends where `items[:end]` ends: a space follows, or a `\\b` with a space or nothing after
    it, or the line's end."""
    before = end
    while before > 0 and (items[before - 1][0] is _c.AT or items[before - 1][0] in _NOT_CONSUMING):
        if items[before - 1] == (_c.AT, _c.AT_END):
            return True
        if items[before - 1] == (_c.AT, _c.AT_BOUNDARY):
            return end == len(items) or items[end] == (_c.LITERAL, SPACE)
        before -= 1
    rest = items[end:]
    if not rest:
        return False  # the token may go on past the pattern's end
    if rest[0] == (_c.LITERAL, SPACE) or rest[0] == (_c.AT, _c.AT_END):
        return True
    return rest[0] == (_c.AT, _c.AT_BOUNDARY) and (len(rest) == 1 or rest[1] == (_c.LITERAL, SPACE))


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
