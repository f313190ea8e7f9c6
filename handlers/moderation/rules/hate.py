"""Group-directed hate and threats, found as patterns (see `handlers/moderation/hate.py`)."""

from __future__ import annotations

from handlers.moderation.overlap import HateFinder, hate_said_by_terms
from handlers.moderation.rules.base import Hit, MessageFacts
from handlers.moderation.rules.terms import Insults


class GroupHate:
    """`anchored=False` searches every pattern in every clause: the reference for the anchored shortcut.

    With the `terms` rule's `insults` finder and a `finder` shared with it, a finding on the words of a listed
    term that says as much is left to the `terms` rule (`overlap.py`): one abuse, one hit."""

    name = "hate"

    def __init__(self, anchored: bool = True, insults: Insults | None = None, finder: HateFinder | None = None) -> None:
        self.anchored = anchored
        self.insults = insults
        self.finder = finder if finder is not None else HateFinder(anchored)

    def check(self, message: MessageFacts) -> Hit | None:
        finding = self.finder.find(message)
        if finding is None:
            return None
        insults = self.insults
        if insults is not None and finding.words:
            found = insults.find(message)
            if found and insults.excuse(message) is None and hate_said_by_terms(finding, found):
                return None
        return Hit(self.name, finding.severity, finding.detail)
