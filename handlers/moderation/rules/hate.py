"""Group-directed hate and threats, found as patterns (see `handlers/moderation/hate.py`)."""

from __future__ import annotations

from handlers.moderation.hate import find_hate
from handlers.moderation.rules.base import Hit, MessageFacts


class GroupHate:
    """`anchored=False` searches every pattern in every clause: the reference for the anchored shortcut."""

    name = "hate"

    def __init__(self, anchored: bool = True) -> None:
        self.anchored = anchored

    def check(self, message: MessageFacts) -> Hit | None:
        finding = find_hate(message.normalised, self.anchored)
        if finding is None:
            return None
        return Hit(self.name, finding.severity, finding.detail)
