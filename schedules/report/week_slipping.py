"""Each ended week's regulars slipping away, per account, rolled up: what the report's "slipping away" reads.

A regular slipping away was active in enough weeks of a six-week window and not at all in the weeks since
(see `metrics.activity.slipping_away`). Even with each window's regulars rolled up, the report still checked
every regular against the quiet weeks, twice per scope, and the regulars grow with the community's activity.
Once the report's week has ended (plus the writer's grace) the answer only changes if a row of those weeks is
written late or erased, which reopens the period in the roll-up ledger; so the nightly roll-up (or the first
report that needs it) stores the slipping accounts once, with their active weeks, and the report counts them
and reads the first few through an index.

The roll-up is about *accounts*. In the all-platforms figures accounts linked with `/privacy link` are one
member (a link can be made at any time): at read time their rows are left out and the linked accounts alone
are judged as the report always did, person by person. Members who opted out are left out of the names at read
time. The period is keyed by the community's settings (regular weeks, silence), so changing them is seen at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlite_utils

from config.settings import Community
from handlers.engagement.migrations import ROLLUPS, WEEK_SLIPPING
from schedules.report import regulars
from schedules.report.metrics import Ranked, Scope, member_labels
from schedules.report.metrics.activity import silent_weeks, slipping_away
from schedules.report.metrics.people import Identify, accounts_filter, linked_accounts
from schedules.report.rollups import FINAL_GRACE_SECONDS, _final_periods, _mark_final, ensure_weeks
from schedules.report.weeks import IsoWeek


def _setting(scope: Scope) -> str:
    return f"{scope.community.engagement.slipping_regular_weeks}/{silent_weeks(scope)}"


def _period(scope: Scope) -> str:
    return f"s:{scope.week}:{_setting(scope)}"


def ensure(db: sqlite_utils.Database, community: Community, weeks: Iterable[IsoWeek], now: datetime) -> None:
    """Store the accounts slipping away as of each ended week not rolled up yet (running weeks are read live)."""
    regular = community.engagement.slipping_regular_weeks
    for week in sorted(set(weeks)):
        scope = Scope(community, week, None, now)
        _, end = week.epoch_bounds(community.tz)
        if end + FINAL_GRACE_SECONDS > now.timestamp() or _final_periods(db, community.id, [_period(scope)]):
            continue
        silence = silent_weeks(scope)
        window_end = week.shift(-silence)
        quiet = [str(week.shift(-i)) for i in range(silence)]
        # the member-weeks it reads, made current first (the nightly job keeps only the last two)
        ensure_weeks(db, community.id, [week.shift(-i) for i in range(silence + regulars.WINDOW_WEEKS)],
                     community.tz, now)
        regulars.ensure(db, community.id, window_end, regular, community.tz, now)
        found = regulars.masks(db, community.id, window_end, regular, quiet, [])
        rows = [(community.id, str(week), _setting(scope), platform, member_id, f"{platform}:{member_id}",
                 mask.bit_count()) for (platform, member_id), mask in found.items()
                if mask >= 0 and mask.bit_count() >= regular]
        start = window_end.shift(-(regulars.WINDOW_WEEKS - 1)).epoch_bounds(community.tz)[0]
        with db.atomic():
            db.execute(f"DELETE FROM {WEEK_SLIPPING} WHERE community = ? AND week = ? AND setting = ?",
                       [community.id, str(week), _setting(scope)])
            db.conn.executemany(
                f"INSERT INTO {WEEK_SLIPPING} (community, week, setting, platform, member_id, account, weeks)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            _mark_final(db, community.id, _period(scope), (start, end), now)


def slipping(db: sqlite_utils.Database, scope: Scope, who: Identify, hidden: set[str]) -> tuple[int, list[Ranked]]:
    """How many regulars are slipping away, and the first `top_count` named (opted-out members left out), as
    `metrics.activity.slipping_away` finds them, from the roll-up when the week is final."""
    if not _final_periods(db, scope.community.id, [_period(scope)]):
        return slipping_away(db, scope, who, hidden)
    community, week, setting = scope.community.id, str(scope.week), _setting(scope)
    where, params = scope.platform_filter()
    linked = linked_accounts(db, community) if scope.platform is None else []
    linked_count, linked_shown = slipping_away(db, scope, who, hidden, accounts_filter(linked)) if linked else (0, [])
    key = "community = ? AND week = ? AND setting = ?"
    (count,) = db.execute(f"SELECT count(*) FROM {WEEK_SLIPPING} WHERE {key}{where}",
                          [community, week, setting, *params]).fetchone()
    if linked:
        narrow, values = accounts_filter(linked)
        (rolled_linked,) = db.execute(f"SELECT count(*) FROM {WEEK_SLIPPING} WHERE {key}{narrow}",
                                      [community, week, setting, *values]).fetchone()
        count -= rolled_linked
    linked_set = set(linked)
    shown: list[tuple[int, str, tuple[str, str]]] = []
    cursor = db.execute(f"SELECT platform, member_id, weeks FROM {WEEK_SLIPPING} WHERE {key}{where}"
                        " ORDER BY weeks DESC, account", [community, week, setting, *params])
    for platform, member_id, weeks in cursor:  # most weeks first: stops after the first `top_count` shown
        identity = who(platform, member_id)
        if (platform, member_id) in linked_set or identity in hidden:
            continue
        shown.append((weeks, identity, (platform, member_id)))
        if len(shown) == scope.top_count:
            break
    cursor.close()
    labels = member_labels(db, community, [account for _, _, account in shown])
    items = [(weeks, identity, Ranked("member", *account, labels[account], weeks))
             for weeks, identity, account in shown]
    items += [(item.value, who(item.platform, item.ref), item) for item in linked_shown]
    items.sort(key=lambda item: (-item[0], item[1]))
    return count + linked_count, [item for _, _, item in items[: scope.top_count]]


def purge_before(db: sqlite_utils.Database, community: str, cutoff_week: IsoWeek) -> None:
    """The weeks whose regulars' window reaches back before `cutoff_week` go with the member-weeks they came
    from: a week's slipping accounts name members from the six weeks before its silence, so the purge reaches
    `regulars.WINDOW_WEEKS` plus the silence past the cutoff (as `regulars.purge_before` does for the windows),
    rows and roll-up marks alike (a report of such a week reads what the log still holds)."""
    rolled = {tuple(r) for r in db.execute(
        f"SELECT DISTINCT week, setting FROM {WEEK_SLIPPING} WHERE community = ?", [community]).fetchall()}
    rolled |= {tuple(period.split(":")[1:]) for (period,) in db.execute(
        f"SELECT period FROM {ROLLUPS} WHERE community = ? AND period LIKE 's:%'", [community]).fetchall()}
    stale = [(week, setting) for week, setting in rolled
             if IsoWeek.parse(week) < cutoff_week.shift(regulars.WINDOW_WEEKS - 1 + int(setting.split("/")[1]))]
    for week, setting in stale:
        db.execute(f"DELETE FROM {WEEK_SLIPPING} WHERE community = ? AND week = ? AND setting = ?",
                   [community, week, setting])
        db.execute(f"DELETE FROM {ROLLUPS} WHERE community = ? AND period = ?", [community, f"s:{week}:{setting}"])
