"""Banned terms: the shipped French and English lists plus the community's own, after normalisation."""

from __future__ import annotations

from handlers.moderation.rules.base import Hit, MessageFacts
from handlers.moderation.terms import TermMatcher


class BannedTerms:
    name = "terms"

    def __init__(self, matcher: TermMatcher) -> None:
        self.matcher = matcher

    def check(self, message: MessageFacts) -> Hit | None:
        found = self.matcher.find(message.normalised)
        if not found:
            return None
        if len(found) == 1:
            return Hit(self.name, found[0].severity, found[0].category)
        worst = max(term.severity for term in found)
        return Hit(self.name, worst, ", ".join(sorted({term.category for term in found})))
