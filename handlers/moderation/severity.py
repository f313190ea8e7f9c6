"""The severity scale of a moderation finding, shared by the rules, the word lists and the queue."""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        """The lower-case name the store and the cards use (looked up: an enum's `name` is a descriptor call,
        and every flag reads the label of each hit)."""
        return _LABELS[self]

    @classmethod
    def parse(cls, name: str) -> Severity:
        return cls[name.upper()]


_LABELS = {severity: severity.name.lower() for severity in Severity}
