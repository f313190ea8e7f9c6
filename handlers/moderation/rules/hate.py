"""Group-directed hate and threats, found as patterns (see `handlers/moderation/hate.py`)."""

from __future__ import annotations

from handlers.moderation.overlap import HateFinder
from handlers.moderation.rules.base import Hit, MessageFacts


class GroupHate:
    """`anchored=False` searches every pattern in every clause: the reference for the anchored shortcut. The
    `finder` keeps the message's finding, which the engine reads again when a word list hit the same message
    (`overlap.py`)."""

    name = "hate"

    def __init__(self, anchored: bool = True, finder: HateFinder | None = None) -> None:
        self.anchored = anchored
        self.finder = finder if finder is not None else HateFinder(anchored)

    def check(self, message: MessageFacts) -> Hit | None:
        finding = self.finder.find(message)
        if finding is None:
            return None
        return Hit(self.name, finding.severity, finding.detail)
