"""What the feedback inbox tells the weekly report: feedback received by kind, how much of it the team
acknowledged, how fast it acknowledged and closed it, and how long the oldest open one has waited.

The report reads the inbox through this function (the inbox owns `feedback_items`). Figures are counts and
durations only: no member, no words.
"""

from __future__ import annotations

import statistics

import sqlite_utils

from config.feedback import KINDS
from handlers.feedback.migrations import ITEMS

Figure = int | float | None
ALL_KINDS = (*KINDS, "unsorted")


def week_figures(db: sqlite_utils.Database, community: str, platform: str | None, start: int, end: int,
                 now: int) -> dict[str, Figure]:
    """The figures of the feedback received in [`start`, `end`) (epoch seconds), as known at `now`.

    - received, and received of each kind;
    - the share acknowledged (any decision: acknowledge, answer, close) by `now`;
    - the median time from arrival to that first decision, and to the close, over those that had one by `now`;
    - the age, at the week's end (or `now` when earlier), of the oldest feedback received before then and not
      closed by then, whatever week it came in (None when none was open).
    """
    where, params = " AND platform = ?" if platform else "", [platform] if platform else []
    rows = db.execute(
        f"SELECT kind, created_at, acknowledged_at, closed_at FROM {ITEMS}"
        f" WHERE community = ? AND created_at >= ? AND created_at < ?{where}", [community, start, end, *params],
    ).fetchall()
    acknowledged = [ack - at for _, at, ack, _ in rows if ack is not None and ack <= now]
    closed = [done - at for _, at, _, done in rows if done is not None and done <= now]
    moment = min(end, now)
    (oldest,) = db.execute(
        f"SELECT min(created_at) FROM {ITEMS} WHERE community = ? AND created_at < ?"
        f" AND (closed_at IS NULL OR closed_at > ?){where}", [community, moment, moment, *params],
    ).fetchone()
    figures: dict[str, Figure] = {"feedback": len(rows)}
    figures |= {f"feedback_{kind}": sum(1 for row in rows if row[0] == kind) for kind in ALL_KINDS}
    figures |= {
        "feedback_acknowledged_share": len(acknowledged) / len(rows) if rows else None,
        "feedback_ack_median_s": float(statistics.median(acknowledged)) if acknowledged else None,
        "feedback_close_median_s": float(statistics.median(closed)) if closed else None,
        "feedback_oldest_open_s": float(moment - oldest) if oldest is not None else None,
    }
    return figures
