"""One hit for one abuse: a word list and the hate patterns that fire on the same words say it once.

« t'es un tocard » is an insult in the French list and an insult aimed at the one addressed for the hate
patterns; "sale arabe" is a slur in the list and derogation of a group for the patterns. Two hits on one flag
say the same thing twice, and a moderator reading "insults" beside "insult to someone" may think of two
offences. So when the words a hate finding was matched on hold every word of a term the list found, one of the
two rules keeps the hit: the list when its term says at least as much (a slur, for hate against a group; any
term of at least the finding's severity, for abuse aimed at a person), else the hate rule (a finding of
higher severity: « t'es un tocard » is an insult aimed at someone, medium, where « tocard » alone is low).
Terms found elsewhere in the message keep their own hit. Both rules ask `HateFinder` for the message's finding,
so the patterns run once per message.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.moderation.hate import GROUP, HateFinding, find_hate
from handlers.moderation.normalise import normalise_term
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.terms import Term

SLURS = "slurs"


class HateFinder:
    """`find_hate` of the last message asked about, shared by the `hate` and `terms` rules."""

    def __init__(self, anchored: bool = True) -> None:
        self.anchored = anchored
        self._last: tuple[MessageFacts, HateFinding | None] | None = None

    def find(self, message: MessageFacts) -> HateFinding | None:
        last = self._last
        if last is not None and last[0] is message:
            return last[1]
        finding = find_hate(message.normalised, self.anchored)
        self._last = (message, finding)
        return finding


def covers(finding: HateFinding, term: Term) -> bool:
    """Every word of `term` is among the words `finding` was matched on (a prefix or substring term: some word
    of the finding begins with it or holds it). A regular-expression term is never said to be covered."""
    words = finding.words
    if not words or term.mode == "regex":
        return False
    parts = normalise_term(term.text).split()
    if not parts:
        return False
    if term.mode == "prefix":
        return all(any(word.startswith(part) for word in words) for part in parts)
    if term.mode == "substring":
        return all(any(part in word for word in words) for part in parts)
    return all(part in words for part in parts)


def terms_keep(finding: HateFinding, covered: Sequence[Term]) -> bool:
    """The word list's hit says what `finding` says (see the module docstring), given the terms it covers."""
    if finding.target == GROUP:
        return any(term.category == SLURS and term.severity >= finding.severity for term in covered)
    return any(term.severity >= finding.severity for term in covered)


def hate_said_by_terms(finding: HateFinding, found: Sequence[Term]) -> bool:
    """The `hate` rule leaves `finding` to the list: the list found terms on its words and says as much."""
    covered = [term for term in found if covers(finding, term)]
    return bool(covered) and terms_keep(finding, covered)


def terms_left_to_list(finding: HateFinding | None, found: list[Term]) -> list[Term]:
    """The terms the `terms` rule still reports: all of them, but those on the words of a hate finding that says
    more (the `hate` rule reports that one)."""
    if finding is None:
        return found
    covered = [term for term in found if covers(finding, term)]
    if not covered or terms_keep(finding, covered):
        return found
    return [term for term in found if term not in covered]
