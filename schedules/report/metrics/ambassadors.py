"""The ambassadors to thank: members who helped others during the week, ranked by helpfulness, not by volume.

Signals the log already holds, with their weights (documented in `docs/metrics.md`):

- a **first response** to a question asked in a help channel that week (the earliest reply by someone else): 5;
- a **reply in a help channel**: 3 (a first response is also a reply, so it earns 8 in all);
- a **reaction received** on a message or reply posted that week or the week before, from someone else: 1.

Staff (accounts seen with the SMM, CM or admin role; bots are never logged), members who opted out, and members
with a sanction or an upheld flag raised or decided in the week are left out: the report never thanks the team
itself, a troll or someone who asked not to be named.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import sqlite_utils

from handlers.engagement.migrations import EVENTS
from handlers.moderation import flags
from schedules.report.metrics import Ranked, Scope, member_labels, table_exists
from schedules.report.metrics.people import Account, Identify

FIRST_RESPONSE_WEIGHT = 5
HELP_REPLY_WEIGHT = 3
REACTION_RECEIVED_WEIGHT = 1
WEEK = 7 * 86_400


def helpfulness(db: sqlite_utils.Database, scope: Scope, who: Identify) -> tuple[Counter[str], dict[str, Account]]:
    """Each identity's helpfulness score in the week, and one of its accounts (to name it)."""
    start, end = scope.bounds
    where, params = scope.platform_filter()
    score: Counter[str] = Counter()
    account_of: dict[str, Account] = {}

    def credit(platform: str, member_id: str, points: int) -> None:
        identity = who(platform, member_id)
        score[identity] += points
        account_of[identity] = min(account_of.get(identity, (platform, member_id)), (platform, member_id))

    questions = {
        (p, c, m): asker
        for p, c, m, asker in db.execute(
            f"SELECT platform, channel_id, message_id, member_id FROM {EVENTS} WHERE community = ? AND kind = 'message'"
            f" AND help = 1 AND at >= ? AND at < ?{where}", [scope.community.id, start, end, *params])
    }
    first: dict[tuple[str, str, str], tuple[int, int, str, str]] = {}
    for row_id, platform, channel, target, member_id, at in db.execute(
        f"SELECT id, platform, channel_id, target_id, member_id, at FROM {EVENTS} WHERE community = ?"
        f" AND kind = 'reply' AND help = 1 AND at >= ? AND at < ?{where}", [scope.community.id, start, end, *params]
    ):
        credit(platform, member_id, HELP_REPLY_WEIGHT)
        key = (platform, channel, target)
        asker = questions.get(key)
        if asker is None or member_id == asker:
            continue
        candidate = (at, row_id, platform, member_id)
        if key not in first or candidate < first[key]:
            first[key] = candidate
    for _, _, platform, member_id in first.values():
        credit(platform, member_id, FIRST_RESPONSE_WEIGHT)

    authors = {
        (p, m): author
        for p, m, author in db.execute(
            f"SELECT platform, message_id, member_id FROM {EVENTS} WHERE community = ?"
            f" AND kind IN ('message', 'reply') AND at >= ? AND at < ?{where}",
            [scope.community.id, start - WEEK, end, *params])
    }
    for platform, target, reactor in db.execute(
        f"SELECT platform, target_id, member_id FROM {EVENTS} WHERE community = ? AND kind = 'reaction'"
        f" AND at >= ? AND at < ?{where}", [scope.community.id, start, end, *params]
    ):
        author = authors.get((platform, target))
        if author is not None and who(platform, author) != who(platform, reactor):
            credit(platform, author, REACTION_RECEIVED_WEIGHT)
    return score, account_of


def sanctioned(db: sqlite_utils.Database, scope: Scope) -> set[Account]:
    """Accounts with a flag raised or decided in the week that a moderator upheld or the rules acted on."""
    if not table_exists(db, flags.TABLE):
        return set()
    start, end = (datetime.fromtimestamp(e, UTC) for e in scope.bounds)
    return flags.sanctioned_between(db, scope.community.id, start, end)


def ambassadors(db: sqlite_utils.Database, scope: Scope, who: Identify, excluded: set[str]) -> list[Ranked]:
    """The most helpful members of the week, best first (ties by name), leaving out the `excluded` identities
    and anyone sanctioned in the week."""
    score, account_of = helpfulness(db, scope, who)
    left_out = excluded | {who(*account) for account in sanctioned(db, scope)}
    ranked = sorted(
        ((points, identity) for identity, points in score.items() if points > 0 and identity not in left_out),
        key=lambda item: (-item[0], item[1]),
    )[: scope.top_count]
    labels = member_labels(db, scope.community.id, [account_of[i] for _, i in ranked])
    return [Ranked("member", *account_of[i], labels[account_of[i]], points) for points, i in ranked]
