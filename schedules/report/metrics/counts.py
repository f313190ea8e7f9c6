"""How many members of a week are in each set the report's shares are made of: what growth, activity and
newcomers report, whether read from the log or from the week's roll-up (see `schedules.report.week_counts`)."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from schedules.report.metrics.people import Membership

RETENTION_WEEKS = 4  # "recent newcomers": the members who joined in the 4 weeks before the week


@dataclass(frozen=True)
class WeekCounts:
    """How many members (identities) of a week are in each of the sets the report's shares are made of."""

    at_start: int
    at_end: int
    joined: int
    left: int
    active: int
    population: int  # members at some point of the week: at the start, joined, or active
    activated: int  # joined and posted (a message or a reply) in the week
    recent: int  # joined in the 4 weeks before the week
    retained: int  # recent and active in the week

    def __add__(self, other: WeekCounts) -> WeekCounts:
        return WeekCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def __sub__(self, other: WeekCounts) -> WeekCounts:
        return WeekCounts(*(a - b for a, b in zip(astuple(self), astuple(other), strict=True)))


def counted(members: Membership, recent: set[str]) -> WeekCounts:
    return WeekCounts(
        at_start=len(members.at_start), at_end=len(members.at_end), joined=len(members.joined),
        left=len(members.left), active=len(members.active), population=len(members.population),
        activated=len(members.joined & members.posted), recent=len(recent), retained=len(recent & members.active),
    )
