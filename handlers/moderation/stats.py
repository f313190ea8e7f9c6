"""Per-rule evidence for promoting a rule out of shadow mode: how often moderators acted on its flags.

Precision here is measured by moderators' decisions: acted on (deleted, warned, timed out) over decided.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from handlers.moderation.flags import ACTED


@dataclass(frozen=True, slots=True)
class RuleStats:
    rule: str
    flags: int
    shadow: int
    acted: int
    dismissed: int
    open: int
    median_minutes: float | None

    @property
    def precision(self) -> float | None:
        decided = self.acted + self.dismissed
        return self.acted / decided if decided else None


def rule_stats(
    db: sqlite_utils.Database, community: str | None = None, since: datetime | None = None
) -> list[RuleStats]:
    where, params = ["1 = 1"], []
    if community is not None:
        where.append("f.community = ?")
        params.append(community)
    if since is not None:
        where.append("f.created_at >= ?")
        params.append(since.astimezone(UTC).isoformat())
    rows = db.query(
        "SELECT r.rule, r.shadow, f.status, f.created_at, f.decided_at FROM moderation_flag_rules r"
        f" JOIN moderation_flags f ON f.id = r.flag_id WHERE {' AND '.join(where)} ORDER BY r.rule",
        params,
    )
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["rule"], []).append(row)
    out = []
    for rule, items in grouped.items():
        delays = [
            (datetime.fromisoformat(i["decided_at"]) - datetime.fromisoformat(i["created_at"])).total_seconds() / 60
            for i in items
            if i["decided_at"]
        ]
        out.append(
            RuleStats(
                rule=rule,
                flags=len(items),
                shadow=sum(1 for i in items if i["shadow"]),
                acted=sum(1 for i in items if i["status"] in ACTED),
                dismissed=sum(1 for i in items if i["status"] == "dismissed"),
                open=sum(1 for i in items if i["status"] == "open"),
                median_minutes=statistics.median(delays) if delays else None,
            )
        )
    return out


def stats_table(stats: list[RuleStats]) -> str:
    headers = ("rule", "flags", "shadow", "acted", "dismissed", "open", "precision", "median decision")
    rows = [headers]
    for s in stats:
        precision = f"{s.precision:.0%}" if s.precision is not None else "-"
        median = f"{s.median_minutes:.1f} min" if s.median_minutes is not None else "-"
        rows.append((s.rule, str(s.flags), str(s.shadow), str(s.acted), str(s.dismissed), str(s.open), precision,
                     median))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(headers))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows)
