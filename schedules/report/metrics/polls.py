"""Polls in the report's feedback section: the polls that ended in the week, their votes and voters, each poll's
results, and the same per campaign.

A poll counts in the week it ended (local week of the community), with its final counts, which name nobody:
the report never says who voted what. On one platform's scope, only that platform's messages of the poll count.
Read through the polls' table owner (`handlers/polls/polls.py`).
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.i18n import precise_percent
from handlers.polls.polls import closed_between
from schedules.report.metrics import Number, Ranked, Scope
from schedules.report.metrics.posts import NONE_LABEL


def poll_label(question: str, answers: tuple[str, ...], counts: tuple[int, ...], locale: str) -> str:
    """« Question » then each answer's share of the votes, for the report's list (plain text, escaped there)."""
    total = sum(counts)
    shares = ", ".join(f"{answer} {precise_percent(count / total, locale)}" if total else answer
                       for answer, count in zip(answers, counts, strict=False))
    return f"{question} — {shares}"


def polls(db: sqlite_utils.Database, scope: Scope) -> tuple[dict[str, Number], dict[str, list[Ranked]]]:
    start, end = (datetime.fromtimestamp(b, scope.tz) for b in scope.bounds)
    found = closed_between(db, scope.community.id, start, end, scope.platform)
    platform = scope.platform or ""
    results = [Ranked("label", platform, str(poll.id),
                      poll_label(poll.question, poll.answers, tally.counts, scope.community.locale), tally.total)
               for poll, tally in found]
    campaigns: dict[str, int] = {}
    for poll, tally in found:
        name = poll.campaign or NONE_LABEL  # shown « sans campagne » by the render
        campaigns[name] = campaigns.get(name, 0) + tally.total
    by_campaign = [Ranked("label", platform, name, name, votes)
                   for name, votes in sorted(campaigns.items(), key=lambda item: (-item[1], item[0]))]
    numbers: dict[str, Number] = {
        "polls_closed": len(found),
        "poll_votes": sum(tally.total for _, tally in found),
        "poll_voters": sum(tally.voters for _, tally in found),
    }
    return numbers, {"polls": results, "poll_campaigns": by_campaign}
