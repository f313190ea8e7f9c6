"""Feedback: what reached the feedback inbox in the week (`/feedback`, messages posted in a feedback channel,
messages a CM marked with the feedback reaction), by kind, and how the team handled it.

Read through the inbox's own figures (`handlers/feedback/figures.py`, the owner of `feedback_items`): counts and
durations only, never a member or their words. A database without the inbox's table (a feature never
installed) has received nothing: zero feedback, and "n/a" for the shares and times.
"""

from __future__ import annotations

import sqlite_utils

from handlers.feedback.figures import ALL_KINDS, week_figures
from handlers.feedback.migrations import ITEMS
from schedules.report.metrics import Number, Scope, table_exists

FIGURES = ("feedback", *(f"feedback_{kind}" for kind in ALL_KINDS), "feedback_acknowledged_share",
           "feedback_ack_median_s", "feedback_close_median_s", "feedback_oldest_open_s")


def feedback(db: sqlite_utils.Database, scope: Scope) -> dict[str, Number]:
    if not table_exists(db, ITEMS):
        return {key: (0 if key == "feedback" or key.removeprefix("feedback_") in ALL_KINDS else None)
                for key in FIGURES}
    start, end = scope.bounds
    return week_figures(db, scope.community.id, scope.platform, start, end, int(scope.now.timestamp()))
