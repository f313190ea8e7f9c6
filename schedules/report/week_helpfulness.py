"""Each ended week's helpfulness per account, rolled up: what the report's "members to thank" list ranks.

The score (see `metrics.ambassadors`) reads the week's help questions and replies, and every reaction of the
week with the authors of two weeks of messages: about one week-range scan of the log per scope and week, which
made it the largest part of the report once the member counts were rolled up. Once the week has ended (plus the
writer's grace) the scores only change if a row of those two weeks is written late or erased, and both reopen
the period in the roll-up ledger; so the nightly roll-up (or the first report that needs it) scores every
account once, and the report reads the few best rows through an index ordered by points.

The roll-up scores *accounts*. In the all-platforms figures accounts linked with `/privacy link` are one member,
and a link can be made at any time: their rows are summed at read time. A reaction between two accounts of the
same member does not count, which only matters when two accounts of the *same platform* are linked (an
alternate account): while such a link exists, the all-platforms list is read from the log as before. Who is
left out (staff, members who opted out, members sanctioned in the week) is decided at read time too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlite_utils

from config.settings import Community
from handlers.engagement.migrations import WEEK_HELPFULNESS
from schedules.report.metrics import Ranked, Scope, member_labels, table_exists
from schedules.report.metrics.ambassadors import WEEK, ambassadors, helpfulness, sanctioned
from schedules.report.metrics.people import Account, Identify, linked_accounts
from schedules.report.rollups import FINAL_GRACE_SECONDS, _final_periods, _mark_final
from schedules.report.weeks import IsoWeek


def _period(week: IsoWeek) -> str:
    return f"h:{week}"


def _account(platform: str, member_id: str) -> str:
    return f"{platform}:{member_id}"


def ensure(db: sqlite_utils.Database, community: Community, weeks: Iterable[IsoWeek], now: datetime) -> None:
    """Score every account of each ended week not rolled up yet (the weeks still running are read live)."""
    for week in sorted(set(weeks)):
        start, end = week.epoch_bounds(community.tz)
        if end + FINAL_GRACE_SECONDS > now.timestamp() or _final_periods(db, community.id, [_period(week)]):
            continue
        score, account_of = helpfulness(db, Scope(community, week, None, now), _account)
        rows = [(community.id, str(week), *account_of[account], account, points)
                for account, points in score.items() if points > 0]
        with db.atomic():
            db.execute(f"DELETE FROM {WEEK_HELPFULNESS} WHERE community = ? AND week = ?",
                       [community.id, str(week)])
            db.conn.executemany(
                f"INSERT INTO {WEEK_HELPFULNESS} (community, week, platform, member_id, account, points)"
                " VALUES (?, ?, ?, ?, ?, ?)", rows)
            _mark_final(db, community.id, _period(week), (start - WEEK, end), now)


def _same_platform_link(db: sqlite_utils.Database, community: str) -> bool:
    if not table_exists(db, "privacy_links"):
        return False
    return db.execute(
        "SELECT 1 FROM privacy_links a JOIN privacy_links b ON b.community = a.community AND b.person = a.person"
        " AND b.platform = a.platform AND b.member_id > a.member_id WHERE a.community = ? LIMIT 1", [community]
    ).fetchone() is not None


def top_contributors(db: sqlite_utils.Database, scope: Scope, who: Identify, excluded: set[str]) -> list[Ranked]:
    """The week's most helpful members, best first (ties by name), as `metrics.ambassadors.ambassadors` ranks
    them, from the roll-up when the week is final."""
    community = scope.community.id
    linked = linked_accounts(db, community) if scope.platform is None else []
    if not _final_periods(db, community, [_period(scope.week)]) or (linked and _same_platform_link(db, community)):
        return ambassadors(db, scope, who, excluded)
    left_out = excluded | {who(*account) for account in sanctioned(db, scope)}
    linked_set = set(linked)
    where, params = scope.platform_filter()
    picked: list[tuple[int, str, Account]] = []
    cursor = db.execute(
        f"SELECT platform, member_id, points FROM {WEEK_HELPFULNESS} WHERE community = ? AND week = ?{where}"
        " ORDER BY points DESC, account", [community, str(scope.week), *params])
    for platform, member_id, points in cursor:  # best first: stops after the first `top_count` shown
        identity = who(platform, member_id)
        if (platform, member_id) in linked_set or identity in left_out:
            continue
        picked.append((points, identity, (platform, member_id)))
        if len(picked) == scope.top_count:
            break
    cursor.close()
    totals: dict[str, int] = {}
    first: dict[str, Account] = {}
    for account in linked:  # a linked member's accounts add up
        row = db.execute(
            f"SELECT points FROM {WEEK_HELPFULNESS} WHERE community = ? AND week = ? AND platform = ?"
            " AND member_id = ?", [community, str(scope.week), *account]).fetchone()
        if row is not None:
            identity = who(*account)
            totals[identity] = totals.get(identity, 0) + row[0]
            first[identity] = min(first.get(identity, account), account)
    picked += [(points, identity, first[identity]) for identity, points in totals.items()
               if points > 0 and identity not in left_out]
    ranked = sorted(picked, key=lambda item: (-item[0], item[1]))[: scope.top_count]
    labels = member_labels(db, community, [account for _, _, account in ranked])
    return [Ranked("member", *account, labels[account], points) for points, _, account in ranked]


def purge_before(db: sqlite_utils.Database, community: str, cutoff_week: IsoWeek) -> None:
    """Scores of the weeks the retention purge reached go with the raw rows they came from."""
    db.execute(f"DELETE FROM {WEEK_HELPFULNESS} WHERE community = ? AND week < ?", [community, str(cutoff_week)])
