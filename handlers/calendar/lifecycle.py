"""The post lifecycle as a state machine: which status may follow which, and nothing else.

draft -> pending_approval -> scheduled -> sending -> published | failed | missed | cancelled | expired.
A recurring post goes back from `sending` to `scheduled` until its last occurrence. Every change goes through
`check_transition`, so a refused move (approving a published post, cancelling a cancelled one) is caught in one
place and reported with both statuses.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    PENDING = "pending_approval"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PUBLISHED = "published"
    FAILED = "failed"
    MISSED = "missed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ALLOWED: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.PENDING, Status.SCHEDULED, Status.CANCELLED, Status.DRAFT}),
    Status.PENDING: frozenset({Status.SCHEDULED, Status.DRAFT, Status.EXPIRED, Status.CANCELLED, Status.PENDING}),
    Status.SCHEDULED: frozenset(
        {Status.SENDING, Status.PENDING, Status.SCHEDULED, Status.MISSED, Status.CANCELLED, Status.PUBLISHED}
    ),
    Status.SENDING: frozenset({Status.PUBLISHED, Status.FAILED, Status.SCHEDULED, Status.MISSED}),
    Status.MISSED: frozenset({Status.SENDING, Status.SCHEDULED, Status.PENDING, Status.CANCELLED}),
    Status.FAILED: frozenset({Status.SCHEDULED, Status.PENDING, Status.CANCELLED}),
    Status.EXPIRED: frozenset({Status.SCHEDULED, Status.PENDING, Status.CANCELLED}),
    Status.PUBLISHED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# statuses whose content may still change (edit, reschedule)
EDITABLE = frozenset({Status.DRAFT, Status.PENDING, Status.SCHEDULED, Status.MISSED, Status.FAILED, Status.EXPIRED})
# statuses that count as "upcoming" in `post list`
UPCOMING = frozenset({Status.DRAFT, Status.PENDING, Status.SCHEDULED, Status.SENDING})


class TransitionRefused(ValueError):
    def __init__(self, current: Status, wanted: Status) -> None:
        super().__init__(f"a {current} post cannot become {wanted}")
        self.current = current
        self.wanted = wanted


def can_transition(current: Status, wanted: Status) -> bool:
    return wanted in ALLOWED[current]


def check_transition(current: Status | str, wanted: Status | str) -> None:
    current, wanted = Status(current), Status(wanted)
    if not can_transition(current, wanted):
        raise TransitionRefused(current, wanted)


def submitted_status(approval_required: bool) -> Status:
    """Where a post with a publish time goes when its author submits it."""
    return Status.PENDING if approval_required else Status.SCHEDULED
