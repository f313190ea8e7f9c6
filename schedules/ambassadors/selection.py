"""Choosing the week's ambassador candidates from helpfulness signals, never from volume.

The signals of the last `lookback_weeks` complete weeks (see `handlers/ambassadors/signals.py`), added up per
member across their linked accounts, give a score:

- a **first response** to a question in a help channel: 5 (answering someone who was waiting is what an
  ambassador does);
- a **helpful reply** (a reply that got a reaction from someone else): 3;
- a **feedback** given (to the feedback inbox: `/feedback`, a feedback channel, a CM's 📝 mark): 2;
- an **active week**: 1 (regularity; at least `min_active_weeks` of them are required).

A candidate needs `min_score`, at least one first response or helpful reply, and is never staff, a member who
opted out, a member with a sanction in the period (asked of the flag ledger), an ambassador already, a candidate
still waiting for a decision, or one a CM answered "Not now" to within `snooze_weeks`. The best `candidates`
are kept, ties by their oldest account's id, so the same history always gives the same card.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlite_utils

from config.settings import Community
from handlers.ambassadors import records
from handlers.ambassadors.records import Account, Figures
from handlers.ambassadors.signals import member_signals
from handlers.moderation import flags
from schedules.report.metrics import Scope
from schedules.report.metrics.people import identify, opted_out_accounts, staff_accounts
from schedules.report.weeks import IsoWeek

FIRST_RESPONSE_POINTS = 5
HELPFUL_REPLY_POINTS = 3
FEEDBACK_POINTS = 2
ACTIVE_WEEK_POINTS = 1


def score(first_responses: int, helpful_replies: int, feedback: int, active_weeks: int) -> int:
    return (first_responses * FIRST_RESPONSE_POINTS + helpful_replies * HELPFUL_REPLY_POINTS
            + feedback * FEEDBACK_POINTS + active_weeks * ACTIVE_WEEK_POINTS)


@dataclass
class _Person:
    accounts: set[Account] = field(default_factory=set)
    first_responses: int = 0
    helpful_replies: int = 0
    feedback: int = 0
    weeks: set[int] = field(default_factory=set)

    def figures(self) -> Figures:
        weeks = len(self.weeks)
        return Figures(self.first_responses, self.helpful_replies, self.feedback, weeks,
                       score(self.first_responses, self.helpful_replies, self.feedback, weeks))


def lookback(community: Community, now: datetime) -> tuple[IsoWeek, list[int], int]:
    """The round's name (the last complete week), the look-back weeks' starts and their end (epoch seconds)."""
    last = IsoWeek.last_complete(now, community.tz)
    weeks = [last.shift(-i) for i in range(community.ambassadors.lookback_weeks - 1, -1, -1)]
    return last, [w.epoch_bounds(community.tz)[0] for w in weeks], last.epoch_bounds(community.tz)[1]


def choose(db: sqlite_utils.Database, community: Community, now: datetime) -> tuple[str, list[tuple[Account, Figures]]]:
    """The round name and its candidates, best first: (the account named on the card, the figures)."""
    settings = community.ambassadors
    week, starts, end = lookback(community, now)
    who = identify(db, Scope(community, week, None, now))
    people: dict[str, _Person] = defaultdict(_Person)
    for account, found in member_signals(db, community, starts, end).items():
        person = people[who(*account)]
        person.accounts.add(account)
        person.first_responses += found.first_responses
        person.helpful_replies += found.helpful_replies
        person.feedback += found.feedback
        person.weeks |= found.weeks
    start = datetime.fromtimestamp(starts[0], UTC)
    left_out = (staff_accounts(db, community.id) | opted_out_accounts(db, community.id)
                | sanctioned(db, community, start, now)
                | records.not_to_propose(db, community.id, now - timedelta(weeks=settings.snooze_weeks)))
    excluded = {who(*account) for account in left_out}
    picks: list[tuple[int, str, Account, Figures]] = []
    for identity, person in people.items():
        figures = person.figures()
        if (identity in excluded or figures.score < settings.min_score
                or figures.active_weeks < settings.min_active_weeks
                or figures.first_responses + figures.helpful_replies == 0):
            continue
        picks.append((-figures.score, identity, min(person.accounts), figures))
    picks.sort(key=lambda p: (p[0], p[1]))
    return str(week), [(account, figures) for _, _, account, figures in picks[: settings.candidates]]


def sanctioned(db: sqlite_utils.Database, community: Community, start: datetime, end: datetime) -> set[Account]:
    """Accounts the flag ledger says were sanctioned in the period (none when moderation never ran)."""
    if not db[flags.TABLE].exists():
        return set()
    return flags.sanctioned_between(db, community.id, start, end)
