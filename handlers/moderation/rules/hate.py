"""Group-directed hate and threats, found as patterns (see `handlers/moderation/hate.py`)."""

from __future__ import annotations

from handlers.moderation.hate import HateFinding, find_hate
from handlers.moderation.rules.base import Hit, MessageFacts


class HateFinder:
    """`find_hate` of the last message asked about: the `hate` rule's finding, which the engine reads again when
    a word list hit the same message (`overlap.py`)."""

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


class GroupHate:
    """`anchored=False` searches every pattern in every clause: the reference for the anchored shortcut."""

    name = "hate"

    def __init__(self, anchored: bool = True, finder: HateFinder | None = None) -> None:
        self.anchored = anchored
        self.finder = finder if finder is not None else HateFinder(anchored)

    def check(self, message: MessageFacts) -> Hit | None:
        finding = self.finder.find(message)
        if finding is None:
            return None
        return Hit(self.name, finding.severity, finding.detail)
