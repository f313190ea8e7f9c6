"""Activity: active members (CHAOSS "Active Contributors", here anyone who posted, replied or reacted), their
share of the week's members, messages, replies and reactions, the top channels and the regulars slipping away.

Counts come from the daily roll-ups and members from the member-week roll-ups, so a week costs a few thousand
rows at most, whatever the size of the raw log.
"""

from __future__ import annotations

import math

import sqlite_utils

from handlers.engagement.migrations import DAILY
from schedules.report import regulars
from schedules.report.metrics import Number, Ranked, Scope, member_labels, share
from schedules.report.metrics.counts import WeekCounts
from schedules.report.metrics.people import Identify, Narrow, linked_accounts

REGULAR_WINDOW_WEEKS = 6


def activity(db: sqlite_utils.Database, scope: Scope, members: WeekCounts) -> dict[str, Number]:
    days = [d.isoformat() for d in scope.days]
    where, params = scope.platform_filter()
    messages, replies, reactions = db.execute(
        "SELECT coalesce(sum(CASE WHEN kind = 'message' THEN events END), 0),"
        " coalesce(sum(CASE WHEN kind = 'reply' THEN events END), 0),"
        f" coalesce(sum(CASE WHEN kind = 'reaction' THEN events END), 0) FROM {DAILY}"
        f" WHERE community = ? AND day >= ? AND day <= ? AND kind IN ('message', 'reply', 'reaction'){where}",
        [scope.community.id, days[0], days[-1], *params],
    ).fetchone()
    active = members.active
    return {"active_members": active, "active_share": share(active, members.population),
            "messages": messages, "replies": replies, "reactions": reactions}


def top_channels(db: sqlite_utils.Database, scope: Scope) -> list[Ranked]:
    """Channels with the most messages and replies in the week."""
    days = [d.isoformat() for d in scope.days]
    where, params = scope.platform_filter()
    rows = db.execute(
        f"SELECT platform, channel_id, sum(events) AS n FROM {DAILY}"
        f" WHERE community = ? AND day >= ? AND day <= ? AND kind IN ('message', 'reply'){where}"
        " GROUP BY platform, channel_id ORDER BY n DESC, channel_id LIMIT ?",
        [scope.community.id, days[0], days[-1], *params, scope.top_count],
    ).fetchall()
    return [Ranked("channel", p, c, c, n) for p, c, n in rows]


def silent_weeks(scope: Scope) -> int:
    return max(1, math.ceil(scope.community.engagement.slipping_silence_days / 7))


def slipping_away(db: sqlite_utils.Database, scope: Scope, who: Identify,
                  hidden: set[str], narrow: Narrow | None = None) -> tuple[int, list[Ranked]]:
    """Regulars gone quiet: active in at least `slipping_regular_weeks` of the 6 weeks before the silence, and
    not at all during the silence (the last ceil(silence_days / 7) weeks, the report's week included).

    The count includes everyone; the named list leaves out the `hidden` identities (members who opted out).
    `narrow` (see `people.accounts_filter`) restricts the accounts instead of the scope's platform.
    The window's regulars come from their roll-up (see `regulars`), so the cost follows the regulars, not the
    activity."""
    silence = silent_weeks(scope)
    quiet = [str(scope.week.shift(-i)) for i in range(silence)]
    window_end = scope.week.shift(-silence)
    where, params = narrow or scope.platform_filter()
    regular = scope.community.engagement.slipping_regular_weeks
    linked = linked_accounts(db, scope.community.id) if scope.platform is None else []
    candidates = regulars.masks(db, scope.community.id, window_end, regular, quiet, linked, where, params)
    masks: dict[str, int] = {}
    accounts: dict[str, list[tuple[str, str]]] = {}
    for account, mask in candidates.items():
        identity = who(*account)
        masks[identity] = -1 if mask < 0 or masks.get(identity, 0) < 0 else masks.get(identity, 0) | mask
        accounts.setdefault(identity, []).append(account)
    slipping = sorted(
        ((mask.bit_count(), identity) for identity, mask in masks.items() if mask >= 0 and mask.bit_count() >= regular),
        key=lambda item: (-item[0], item[1]),
    )
    shown = [(n, identity) for n, identity in slipping if identity not in hidden][: scope.top_count]
    firsts = {identity: min(accounts[identity]) for _, identity in shown}
    labels = member_labels(db, scope.community.id, list(firsts.values()))
    return len(slipping), [Ranked("member", *firsts[i], labels[firsts[i]], n) for n, i in shown]
