"""Whether the hate rule may find anything in a message, told from its words alone, before any clause is cut.

`find_hate` reads a message clause by clause as soon as one trigger word is present (a group word, a killing
verb, a homeland, a dehumanising noun, a word of abuse aimed at the one addressed). On tweets half the messages
hold one ("bitches", "redneck", "fat", "trash") and very few are hate: a trigger alone is far from enough. Every
way `find_hate` finds something needs more, and each need can be read from the message's words at once (the
clauses' tokens are the message's words, cut at punctuation and bounded, so what no word of the message holds,
no clause holds):

- a hate pattern is searched only in a clause holding a group, killing, homeland or harm word, and can match
  only where one token of each set `anchors.required_tokens` reads from it is present (the word classes it
  names among them): the patterns the message's words and their classes leave possible, all clauses taken
  together, are `ANCHORED.candidates` of that union (a colour or condition with a word for people counts as a
  group, as `_line` reads it);
- a dehumanising noun finds something only with a pointing word ("they are animals", `_pointing`), a strong
  dehumanising noun after a group (`_named_vermin`) or the frame of « t'es qu'un déchet » (`ADDRESSED_VERMIN`,
  whose tokens are read from it);
- abuse aimed at the one addressed (`addressed.SHAPES`) needs one of its trigger words and a shape's tokens.

A message none of these can reach is not cut into clauses at all. The sets are read from the patterns and word
lists when the module loads, so an edited pattern or list moves the gate with it; `tests/moderation/
test_hate_gate.py` checks on generated near-misses of every pattern and shape that the full search finds
nothing where the gate stays shut, and the triage's test compares whole verdicts with the reference engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.moderation import addressed
from handlers.moderation.anchors import Anchored, required_tokens
from handlers.moderation.hate_patterns import ANCHORED
from handlers.moderation.hate_words import (
    ADDRESSED_VERMIN,
    CLASSES,
    GROUP_ADJECTIVES,
    PEOPLE,
    POINTING,
    STRONG_DEHUMANISING,
    TRIGGERS,
)

_CLASSED = frozenset(CLASSES)
_SEARCHED = frozenset("GKXVW")  # the classes one of which a clause needs for its patterns to be searched
_SHAPES = Anchored(addressed.SHAPES, lambda shape: required_tokens(shape[1].pattern))
_VERMIN_FRAME = required_tokens(ADDRESSED_VERMIN.pattern)


def may_find_hate(words: Iterable[str]) -> bool:
    """False only when `find_hate` finds nothing in a message of these words (see the module's docstring)."""
    if TRIGGERS.isdisjoint(words):
        return False
    present = set(words)
    classes = {CLASSES[word] for word in _CLASSED.intersection(present)}
    if "D" in classes and (
        not POINTING.isdisjoint(present) or not STRONG_DEHUMANISING.isdisjoint(present)
        or all(not tokens.isdisjoint(present) for tokens in _VERMIN_FRAME)
    ):  # fmt: skip
        return True
    if not addressed.TRIGGERS.isdisjoint(present) and _SHAPES.candidates(present):
        return True
    if not GROUP_ADJECTIVES.isdisjoint(present) and not PEOPLE.isdisjoint(present):
        classes.add("G")
    if _SEARCHED.isdisjoint(classes):
        return False
    present |= classes
    return bool(ANCHORED.candidates(present))
