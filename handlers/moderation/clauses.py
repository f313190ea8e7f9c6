"""A message cut into clauses: its folded words, split at sentence punctuation, with bounded work.

The hate patterns and the French aimed-abuse shapes read one clause at a time (a group and its predicate in the
same sentence). Only the first `MAX_TOKENS` tokens are read and a clause keeps at most `MAX_CLAUSE` of them, so
the work on a hostile message is linear in its length.
"""

from __future__ import annotations

import re

MAX_TOKENS = 1000
MAX_CLAUSE = 60
CLAUSE_TOKEN = re.compile(r"[a-z0-9]+|[.!?;:\n]")

_CLAUSE_END = frozenset(".!?;:\n")
TOKENS_WINDOW = 8 * MAX_TOKENS  # characters tokenised first: enough for MAX_TOKENS tokens in ordinary text


def clauses(source: str) -> list[list[str]]:
    """The message's words, cut into clauses at sentence punctuation (bounded in tokens and per clause).

    The tokens are cut in one C-speed scan of a window (the whole text only when the window holds too few of
    them, so that none is cut at its edge), and a message with no sentence punctuation is one clause. With
    punctuation, the tokens are joined and split again at it, all in C (`clauses_by_token` is the same cut
    made token by token, the reference it is tested against)."""
    tokens = _tokens(source)
    if _CLAUSE_END.isdisjoint(tokens):
        return [tokens[:MAX_CLAUSE]] if tokens else []
    return [words[:MAX_CLAUSE] for piece in _SPLIT_CLAUSES(" ".join(tokens)) if (words := piece.split())]


def _tokens(source: str) -> list[str]:
    tokens = CLAUSE_TOKEN.findall(source[:TOKENS_WINDOW])
    if len(tokens) <= MAX_TOKENS and len(source) > TOKENS_WINDOW:
        tokens = CLAUSE_TOKEN.findall(source)
    del tokens[MAX_TOKENS:]
    return tokens


_SPLIT_CLAUSES = re.compile(r"[.!?;:\n]").split  # a clause end is a token of its own: never inside a word


def clauses_by_token(source: str) -> list[list[str]]:
    """`clauses`, one token at a time."""
    found: list[list[str]] = []
    current: list[str] = []
    for token in _tokens(source):
        if token in _CLAUSE_END:
            if current:
                found.append(current)
            current = []
        elif len(current) < MAX_CLAUSE:
            current.append(token)
    if current:
        found.append(current)
    return found
