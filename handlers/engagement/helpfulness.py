"""Who helped whom, read from the log: the facts behind ambassador candidates and the report's ambassador figures.

The engagement feature owns the log, so the questions other features ask of it about helpfulness are answered
here, from ids and times only (the log never holds words):

- a **question** is a top-level message posted in a help channel; its **first response** is the earliest reply to
  it (thread reply or reply-to, in the help channel) by another account, at or after the question;
- a **helpful reply** is a reply that received at least one reaction from another account;
- **feedback given** is a message or reply posted in a feedback channel, or a message a CM marked as feedback;
- an **active week** is a week of the period with at least one message, reply or reaction.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlite_utils

from config.settings import PLATFORM_KEYS, Community
from handlers.engagement.migrations import EVENTS

Account = tuple[str, str]  # platform, member id
Question = tuple[str, str, str]  # platform, channel id, message id


@dataclass
class Signals:
    """One account's helpfulness over a period (counts only)."""

    first_responses: int = 0
    helpful_replies: int = 0
    feedback: int = 0
    weeks: set[int] = field(default_factory=set)

    @property
    def active_weeks(self) -> int:
        return len(self.weeks)


@dataclass(frozen=True)
class FirstResponse:
    question: Question
    asked_at: int
    responder: Account
    at: int


def feedback_channels(community: Community) -> set[tuple[str, str]]:
    """(platform, channel id) of the community's feedback channels on every platform."""
    pairs: set[tuple[str, str]] = set()
    for platform in PLATFORM_KEYS:
        space = community.space(platform)
        if space is not None:
            pairs |= {(platform, channel) for channel in space.channels.feedback}
    return pairs


def _platform(platform: str | None) -> tuple[str, list[str]]:
    return ("", []) if platform is None else (" AND platform = ?", [platform])


def first_responses(db: sqlite_utils.Database, community: str, start: int, end: int, replies_until: int,
                    platform: str | None = None) -> list[FirstResponse]:
    """The first response to each question asked in [start, end), among replies before `replies_until`."""
    where, params = _platform(platform)
    asked = {
        (p, c, m): (member, at)
        for p, c, m, member, at in db.execute(
            f"SELECT platform, channel_id, message_id, member_id, at FROM {EVENTS} WHERE community = ?"
            f" AND kind = 'message' AND help = 1 AND at >= ? AND at < ?{where}", [community, start, end, *params])
    }
    if not asked:
        return []
    first: dict[Question, tuple[int, int, Account]] = {}
    for row_id, p, c, target, member, at in db.execute(
        f"SELECT id, platform, channel_id, target_id, member_id, at FROM {EVENTS} WHERE community = ?"
        f" AND kind = 'reply' AND help = 1 AND at >= ? AND at < ?{where}", [community, start, replies_until, *params]
    ):
        question = (p, c, target)
        asker = asked.get(question)
        if asker is None or member == asker[0] or at < asker[1]:
            continue
        candidate = (at, row_id, (p, member))
        if question not in first or candidate < first[question]:
            first[question] = candidate
    return [FirstResponse(q, asked[q][1], responder, at) for q, (at, _, responder) in sorted(first.items())]


def signals(db: sqlite_utils.Database, community: str, week_starts: Sequence[int], end: int,
            feedback_channels: Iterable[tuple[str, str]]) -> dict[Account, Signals]:
    """Every account's signals over the weeks starting at `week_starts` (epoch seconds, ascending) until `end`."""
    start = week_starts[0]
    found: dict[Account, Signals] = defaultdict(Signals)
    for response in first_responses(db, community, start, end, end):
        found[response.responder].first_responses += 1
    feedback_in = set(feedback_channels)
    authors: dict[tuple[str, str], Account] = {}
    replies: set[tuple[str, str]] = set()
    feedback_messages: set[tuple[str, str]] = set()
    week_of = bisect.bisect_right
    for p, c, member, kind, at, message in db.execute(
        f"SELECT platform, channel_id, member_id, kind, at, message_id FROM {EVENTS} WHERE community = ?"
        " AND kind IN ('message', 'reply') AND at >= ? AND at < ?", [community, start, end]
    ):
        found[(p, member)].weeks.add(week_of(week_starts, at) - 1)
        if message is None:
            continue
        authors[(p, message)] = (p, member)
        if kind == "reply":
            replies.add((p, message))
        if (p, c) in feedback_in:
            feedback_messages.add((p, message))
    helped: set[tuple[str, str]] = set()
    for p, target, reactor, at in db.execute(  # one pass over reactions: active weeks and appreciated replies
        f"SELECT platform, target_id, member_id, at FROM {EVENTS} WHERE community = ? AND kind = 'reaction'"
        " AND at >= ? AND at < ?", [community, start, end]
    ):
        found[(p, reactor)].weeks.add(week_of(week_starts, at) - 1)
        key = (p, target)
        if key in replies and authors[key] != (p, reactor):
            helped.add(key)
    for key in helped:
        found[authors[key]].helpful_replies += 1
    for p, target in db.execute(
        f"SELECT DISTINCT platform, target_id FROM {EVENTS} WHERE community = ? AND kind = 'feedback_mark'"
        " AND at >= ? AND at < ?", [community, start, end]
    ):
        if (p, target) in authors:
            feedback_messages.add((p, target))
    for key in feedback_messages:
        found[authors[key]].feedback += 1
    return dict(found)


def active_between(db: sqlite_utils.Database, community: str, start: int, end: int,
                   platform: str | None = None) -> set[Account]:
    """Accounts with a message, reply or reaction in [start, end)."""
    where, params = _platform(platform)
    return {(p, m) for p, m in db.execute(
        f"SELECT DISTINCT platform, member_id FROM {EVENTS} WHERE community = ?"
        f" AND kind IN ('message', 'reply', 'reaction') AND at >= ? AND at < ?{where}",
        [community, start, end, *params])}
