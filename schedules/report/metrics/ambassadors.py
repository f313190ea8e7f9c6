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

from collections import Counter, defaultdict
from datetime import UTC, datetime

import sqlite_utils

from handlers.ambassadors import records
from handlers.ambassadors.migrations import AMBASSADORS
from handlers.engagement.helpfulness import active_between, first_responses
from handlers.engagement.migrations import EVENTS
from handlers.moderation import flags
from schedules.report.metrics import Number, Ranked, Scope, member_labels, share, table_exists
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


# -- the appointed ambassadors (the ambassadors feature's records) ----------------------------------------------------
AMBASSADOR_KEYS = ("ambassadors", "ambassador_first_response_share", "ambassadors_slipping")


def _serving(periods: dict[Account, tuple[int, int | None]], account: Account, instant: int) -> bool:
    """Whether `account` was an ambassador at `instant` (appointed at or before it, not yet removed)."""
    period = periods.get(account)
    return period is not None and period[0] <= instant and (period[1] is None or period[1] > instant)


def appointed(db: sqlite_utils.Database, scope: Scope, who: Identify) -> dict[str, Number]:
    """The ambassadors at the week's end, the share of the week's first responses they gave (ambassadors when
    they answered), and how many of them had no message, reply or reaction in the `slipping_days` before the
    week's end. Read from the ambassadors feature's records; members who were forgotten are gone from both."""
    if not table_exists(db, AMBASSADORS):
        return dict.fromkeys(AMBASSADOR_KEYS)
    start, end = scope.bounds
    periods = {a: p for a, p in records.periods(db, scope.community.id).items()
               if scope.platform in (None, a[0])}
    at_end = {who(*a) for a in periods if _serving(periods, a, end - 1)}
    accounts_of: dict[str, set[Account]] = defaultdict(set)
    for account in periods:
        accounts_of[who(*account)].add(account)
    responses = first_responses(db, scope.community.id, start, end, int(scope.now.timestamp()) + 1, scope.platform)
    by_ambassadors = sum(
        1 for r in responses
        if any(_serving(periods, a, r.at) for a in accounts_of.get(who(*r.responder), ()))
    )
    silence = end - scope.community.ambassadors.slipping_days * 86_400
    active = {who(*a) for a in active_between(db, scope.community.id, silence, end, scope.platform)}
    return {
        "ambassadors": len(at_end),
        "ambassador_first_response_share": share(by_ambassadors, len(responses)),
        "ambassadors_slipping": len(at_end - active),
    }
