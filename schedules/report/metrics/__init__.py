"""The report's metrics, one module per family, each a documented SQL query over the log and its roll-ups.

Every function takes a `Scope` (community, ISO week in the community's timezone, optional platform, the time
of the report) and returns plain figures; `docs/metrics.md` defines each one. A figure that cannot be known
(a share of zero members, a median of no answers) is `None`, shown as "n/a", never a made-up zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from config.settings import Community
from schedules.report.weeks import IsoWeek

Number = int | float | None


@dataclass(frozen=True, slots=True)
class Ranked:
    """One line of a top list: what (`kind` channel, member or label), where, and its figure."""

    kind: str
    platform: str
    ref: str
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class Scope:
    community: Community
    week: IsoWeek
    platform: str | None  # None: every platform of the community together
    now: datetime

    @property
    def tz(self) -> ZoneInfo:
        return self.community.tz

    @property
    def bounds(self) -> tuple[int, int]:
        return self.week.epoch_bounds(self.tz)

    @property
    def days(self) -> list[date]:
        return self.week.days()

    @property
    def top_count(self) -> int:
        return self.community.engagement.top_count

    def platform_filter(self, column: str = "platform") -> tuple[str, list[str]]:
        """An SQL condition (with a leading AND) restricting rows to the scope's platform, and its parameter."""
        if self.platform is None:
            return "", []
        return f" AND {column} = ?", [self.platform]

    def platforms(self) -> list[str]:
        from config.settings import PLATFORM_KEYS

        names = [p for p in PLATFORM_KEYS if self.community.space(p) is not None]
        return names if self.platform is None else [p for p in names if p == self.platform]

    def channels(self, purpose: str) -> list[tuple[str, str]]:
        """(platform, channel id) pairs configured for `purpose` (help, feedback) in the scope."""
        pairs: list[tuple[str, str]] = []
        for platform in self.platforms():
            space = self.community.space(platform)
            assert space is not None
            pairs.extend((platform, channel) for channel in getattr(space.channels, purpose))
        return pairs


def share(part: Number, whole: Number) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def table_exists(db: sqlite_utils.Database, name: str) -> bool:
    """Whether a feature's table is there (its feature installed): one look-up, where `db[name].exists()` reads
    every table and view name."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None


def member_labels(db: sqlite_utils.Database, community: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Display names from the core members table for (platform, member id) pairs; the id when unknown."""
    labels = {key: key[1] for key in keys}
    for platform, member_id in keys:
        row = db.execute(
            "SELECT display_name FROM members WHERE community = ? AND platform = ? AND member_id = ?",
            [community, platform, member_id],
        ).fetchone()
        if row and row[0]:
            labels[(platform, member_id)] = row[0]
    return labels


def in_pairs(column_platform: str, column_channel: str, pairs: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """`AND ((platform = ? AND channel = ?) OR …)` for a list of (platform, channel) pairs; never empty SQL."""
    if not pairs:
        return " AND 0", []
    clause = " OR ".join(f"({column_platform} = ? AND {column_channel} = ?)" for _ in pairs)
    return f" AND ({clause})", [value for pair in pairs for value in pair]
