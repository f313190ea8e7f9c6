"""One hit for one abuse: a word list and the hate patterns that fire on the same words say it once.

« t'es un tocard » is an insult in the French list and an insult aimed at the one addressed for the hate
patterns; "sale arabe" is a slur in the list and derogation of a group for the patterns. Two hits on one flag
say the same thing twice, and a moderator reading "insults" beside "insult to someone" may think of two
offences. So when the words a hate finding was matched on hold every word of a term the list found, one of the
two rules keeps the hit: the list when its term says at least as much (a slur, for hate against a group; any
term of at least the finding's severity, for abuse aimed at a person), else the hate rule (a finding of
higher severity: « t'es un tocard » is an insult aimed at someone, medium, where « tocard » alone is low).
Terms found elsewhere in the message keep their own hit. The engine merges the two hits after the rules ran
(`OneHit`), reading the finding the `hate` rule kept (`rules.hate.HateFinder`) and the terms the `terms` rule found, so
nothing runs twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from handlers.moderation.hate import GROUP, HateFinding
from handlers.moderation.normalise import normalise_term
from handlers.moderation.rules.base import Hit, MessageFacts
from handlers.moderation.rules.hate import HateFinder
from handlers.moderation.terms import Term

TERMS, HATE = "terms", "hate"
PROFANITY_AT_SOMEONE = "profanity at someone"


class TermsFound(Protocol):
    """What the `terms` rule's finders answer: the terms of one list found in a message (cached per message)."""

    def find(self, message: MessageFacts) -> list[Term]: ...


def terms_hit(rule: str, found: Sequence[Term]) -> Hit:
    """The `terms` rule's hit for `found`: the worst severity, the categories named."""
    if len(found) == 1:
        return Hit(rule, found[0].severity, found[0].category)
    return Hit(rule, max(term.severity for term in found), ", ".join(sorted({term.category for term in found})))

SLURS = "slurs"


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


class OneHit:
    """Merges the `terms` and `hate` hits of one message when they were found on the same words (the module
    docstring says which one stays). Only hits of the same standing are merged (both acting, or both in shadow
    mode): a rule that is exempted, disabled or in shadow for the message never takes the other's hit away."""

    def __init__(self, hate: HateFinder, insults: TermsFound, swearing: TermsFound) -> None:
        self.hate = hate
        self.insults = insults
        self.swearing = swearing

    def merge(self, hits: list[Hit], message: MessageFacts, shadow: frozenset[str]) -> list[Hit]:
        terms = next((i for i, hit in enumerate(hits) if hit.rule == TERMS), None)
        hate = next((i for i, hit in enumerate(hits) if hit.rule == HATE), None)
        if terms is None or hate is None or (TERMS in shadow) != (HATE in shadow):
            return hits
        finding = self.hate.find(message)
        if finding is None:
            return hits
        aimed_swearing = hits[terms].detail == PROFANITY_AT_SOMEONE
        found = (self.swearing if aimed_swearing else self.insults).find(message)
        covered = [term for term in found if covers(finding, term)]
        if not covered:
            return hits
        if terms_keep(finding, covered):
            return [hit for i, hit in enumerate(hits) if i != hate]
        left = [term for term in found if term not in covered]
        if not left:
            return [hit for i, hit in enumerate(hits) if i != terms]
        if aimed_swearing:
            return hits  # another swear word aimed at someone: the `terms` hit stays as it was
        merged = list(hits)
        merged[terms] = terms_hit(TERMS, left)
        return merged
