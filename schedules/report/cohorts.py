"""Cohorts by campaign and source: who arrived through which invite link, how many became active, how many
stayed.

For the report of week W, one row per (campaign, source):
- **arrivals**: members who joined during W (the engagement log's joins, every platform), attributed to the
  tracked invite they used; a join with no attributable invite (Slack, an untracked or ambiguous invite, no
  Manage Server permission) is counted under the source "unknown";
- **activation**: the share of those arrivals who posted or replied within `activation_days` of their own join
  (counted up to the report's time: `activation_final` says whether every window has closed);
- **retention at 4 weeks**: of the members who arrived during W−4 through the same link, the share active
  (message, reply or reaction) during W, their fourth week after the week they joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from config.settings import Community
from handlers.engagement.migrations import EVENTS
from handlers.traffic.migrations import JOINS
from schedules.report.metrics import share, table_exists
from schedules.report.weeks import IsoWeek

UNKNOWN = "unknown"
RETENTION_WEEKS = 4
DAY = 86_400


@dataclass(frozen=True, slots=True)
class Cohort:
    campaign: str
    source: str
    arrivals: int
    activated: int
    activation_final: bool
    earlier_arrivals: int
    retained: int

    @property
    def activation(self) -> float | None:
        return share(self.activated, self.arrivals)

    @property
    def retention(self) -> float | None:
        return share(self.retained, self.earlier_arrivals)


def _arrivals(db: sqlite_utils.Database, community: str, start: int, end: int
              ) -> list[tuple[str, str, int, str, str]]:
    """(platform, member id, first join time, campaign, source) of the members who joined in [start, end)."""
    rows = db.execute(
        f"SELECT j.platform, j.member_id, min(j.at), t.campaign, t.source, t.attribution FROM {EVENTS} j"
        f" LEFT JOIN {JOINS} t ON t.community = j.community AND t.platform = j.platform"
        " AND t.member_id = j.member_id AND t.joined_at = j.at"
        " WHERE j.community = ? AND j.kind = 'join' AND j.at >= ? AND j.at < ?"
        " GROUP BY j.platform, j.member_id",
        [community, start, end],
    ).fetchall()
    found = []
    for platform, member_id, at, campaign, source, attribution in rows:
        if attribution != "invite":
            campaign, source = "", UNKNOWN
        found.append((platform, member_id, at, campaign or "", source or UNKNOWN))
    return found


def _active(db: sqlite_utils.Database, community: str, platform: str, member_id: str, start: int, end: int,
            kinds: tuple[str, ...]) -> bool:
    marks = ", ".join("?" for _ in kinds)
    row = db.execute(
        f"SELECT 1 FROM {EVENTS} WHERE community = ? AND kind IN ({marks}) AND at >= ? AND at < ?"
        " AND platform = ? AND member_id = ? LIMIT 1",
        [community, *kinds, start, end, platform, member_id],
    ).fetchone()
    return row is not None


def campaign_cohorts(db: sqlite_utils.Database, community: Community, week: IsoWeek, now: datetime) -> list[Cohort]:
    if not table_exists(db, JOINS) or not table_exists(db, EVENTS):
        return []
    tz = community.tz
    start, end = week.epoch_bounds(tz)
    earlier_start, earlier_end = week.shift(-RETENTION_WEEKS).epoch_bounds(tz)
    window = community.traffic.activation_days * DAY
    horizon = int(now.timestamp())
    counts: dict[tuple[str, str], list[int]] = {}
    final: dict[tuple[str, str], bool] = {}
    for platform, member_id, at, campaign, source in _arrivals(db, community.id, start, end):
        key = (campaign, source)
        entry = counts.setdefault(key, [0, 0, 0, 0])
        entry[0] += 1
        closes = at + window
        entry[1] += _active(db, community.id, platform, member_id, at, min(closes, horizon), ("message", "reply"))
        final[key] = final.get(key, True) and closes <= horizon
    for platform, member_id, _, campaign, source in _arrivals(db, community.id, earlier_start, earlier_end):
        entry = counts.setdefault((campaign, source), [0, 0, 0, 0])
        entry[2] += 1
        entry[3] += _active(db, community.id, platform, member_id, start, end, ("message", "reply", "reaction"))
    cohorts = [Cohort(campaign, source, a, act, final.get((campaign, source), True), e, r)
               for (campaign, source), (a, act, e, r) in counts.items()]
    return sorted(cohorts, key=lambda c: (c.source == UNKNOWN, -c.arrivals, c.campaign, c.source))
