"""Confusable letters folded away, and edit distances between names: how a look-alike is told from its brand.

A scam name imitates a brand with letters that read alike (« rn » for « m », « l » or « 1 » for « i », « 0 »
for « o », Cyrillic look-alikes), or with a letter or two added, dropped or swapped. `skeleton` folds both
sides to one shape, so "dlscord", "d1scord" and "diścord" all read "dlscord"; the distances then count what
folding cannot ("dsicord" is one swap from "discord").
"""

from __future__ import annotations

from handlers.moderation.normalise import fold

# Confusables after Unicode folding: sequences first, then single characters (both sides are folded alike).
_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ii", "u"))
_SKELETON = str.maketrans({"0": "o", "1": "l", "i": "l", "!": "l", "|": "l", "3": "e", "4": "a", "5": "s",
                           "7": "t", "8": "b", "9": "g", "@": "a", "$": "s", "_": "-"})  # fmt: skip


def _fold_once(text: str) -> str:
    text = fold(text)
    for sequence, letter in _SEQUENCES:
        text = text.replace(sequence, letter)
    return text.translate(_SKELETON)


def skeleton(text: str) -> str:
    """The shape of a name once confusables are folded: "dlscord", "d1scord", "diścord" -> "dlscord".

    Folded until nothing changes, so a skeleton is its own skeleton: a single pass would leave "c1" as "cl",
    which a second pass reads as "d", and a name and its skeleton would not meet. A name settles in one or two
    passes; past the first, a pass that changes anything shortens the text, so the bound is never reached."""
    for _ in range(len(text) + 4):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


def within_edits(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance <= limit (adjacent swaps count as one edit), with an early exit."""
    return abs(len(a) - len(b)) <= limit and _edits_at_most(a, b, limit, anywhere=False)


def inside_within_edits(pattern: str, text: str, limit: int) -> bool:
    """Some stretch of `text` is within `limit` edits of `pattern` (semi-global Levenshtein: the stretch may start
    and end anywhere, adjacent swaps count as one edit): "steamcommunlty" inside "sleamcommunityprofiles"."""
    return len(pattern) - limit <= len(text) and _edits_at_most(pattern, text, limit, anywhere=True)


def _edits_at_most(pattern: str, text: str, limit: int, *, anywhere: bool) -> bool:
    """One dynamic programme for both: `pattern` against all of `text`, or (`anywhere`) against its best stretch,
    which costs nothing to skip before it (first row of zeros) or after it (the last row's minimum)."""
    previous2: list[int] = []
    previous = [0] * (len(text) + 1) if anywhere else list(range(len(text) + 1))
    for i, cp in enumerate(pattern, 1):
        current = [i] + [0] * len(text)
        for j, ct in enumerate(text, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cp != ct))
            if i > 1 and j > 1 and cp == text[j - 2] and pattern[i - 2] == ct:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return (min(previous) if anywhere else previous[-1]) <= limit
