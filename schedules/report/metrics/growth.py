"""Growth: members who joined, who left, the net growth, the members at the week's end and the weekly growth
rate, relative to the members present when the week started ("n/a" when there were none).

Members are read from the log's joins and leaves (see `people`), so a past week's figures stay what they were
whatever happened since; in the all-platforms figures linked accounts are one member.
"""

from __future__ import annotations

from schedules.report.metrics import Number, share
from schedules.report.metrics.counts import WeekCounts


def growth(members: WeekCounts) -> dict[str, Number]:
    joined, left = members.joined, members.left
    net = joined - left
    return {
        "joined": joined,
        "left": left,
        "net_growth": net,
        "members_at_start": members.at_start,
        "members": members.at_end,
        "growth_rate": share(net, members.at_start),
    }
