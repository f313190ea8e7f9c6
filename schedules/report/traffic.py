"""The report's traffic figures: visits and conversions from the community (the web analytics' visits whose
utm_source is one of the community's), per platform and per campaign, week over week, with all traffic beside
them as context and the weekly series of the chart.

A week counts as known only when every one of its seven days was loaded (by an import or a pull); a week with
a missing day shows its figures marked incomplete, and the recommendation does not rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from config.settings import Community
from handlers.traffic.community import community_sources
from handlers.traffic.visits import Coverage, Visits, by_source, by_source_campaign, coverage, other_sources, totals
from schedules.report.metrics import table_exists
from schedules.report.weeks import IsoWeek

CONTEXT_SOURCES = 5
SERIES_WEEKS = 8
ORIGIN_NAMES = {"ga4": "GA4", "matomo": "Matomo", "plausible": "Plausible"}


@dataclass(frozen=True)
class TrafficWeek:
    week: IsoWeek
    coverage: Coverage
    community: Visits
    everything: Visits
    by_source: dict[str, Visits] = field(default_factory=dict)
    by_campaign: dict[tuple[str, str], Visits] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return self.coverage.complete

    @property
    def community_share(self) -> float | None:
        return self.community.visits / self.everything.visits if self.everything.visits else None


@dataclass(frozen=True)
class TrafficFigures:
    sources: tuple[str, ...]
    this: TrafficWeek
    previous: TrafficWeek
    history: list[TrafficWeek]  # the weeks the visits are compared with, most recent first
    series: list[TrafficWeek]  # the chart's weeks, oldest first, ending with this week
    context: list[tuple[str, Visits]]

    @property
    def origin(self) -> str:
        """Where this week's figures come from, e.g. "Plausible (API)", "GA4 (file)"; several when mixed."""
        names = []
        for origin, via in self.this.coverage.origins:
            names.append(f"{ORIGIN_NAMES.get(origin, origin)} ({'API' if via == 'api' else 'file'})")
        return ", ".join(names)

    def visits_before(self) -> float | None:
        """Average community visits of the known history weeks (None without any)."""
        known = [w.community.visits for w in self.history if w.known]
        return sum(known) / len(known) if known else None

    def visit_growth(self) -> float | None:
        before = self.visits_before()
        if before is None or before == 0:
            return None
        return (self.this.community.visits - before) / before


def _week(db: sqlite_utils.Database, community: Community, week: IsoWeek, sources: tuple[str, ...],
          detail: bool) -> TrafficWeek:
    days = week.days()
    return TrafficWeek(
        week=week,
        coverage=coverage(db, community.id, days),
        community=totals(db, community.id, days, sources),
        everything=totals(db, community.id, days),
        by_source=by_source(db, community.id, days, sources) if detail else {},
        by_campaign=by_source_campaign(db, community.id, days, sources) if detail else {},
    )


def traffic_figures(db: sqlite_utils.Database, community: Community, week: IsoWeek) -> TrafficFigures | None:
    """The week's traffic figures, or None when no day of the chart's weeks was ever loaded (no traffic data)."""
    if not table_exists(db, "traffic_days"):
        return None
    sources = community_sources(community)
    history_weeks = community.traffic.advice_history_weeks
    depth = max(SERIES_WEEKS, history_weeks + 1)
    weeks = {week.shift(-i): _week(db, community, week.shift(-i), sources, detail=i <= 1) for i in range(depth)}
    if not any(w.coverage.days_known for w in weeks.values()):
        return None
    this, previous = weeks[week], weeks[week.shift(-1)]
    return TrafficFigures(
        sources=sources,
        this=this,
        previous=previous,
        history=[weeks[week.shift(-i)] for i in range(1, history_weeks + 1)],
        series=[weeks[week.shift(-i)] for i in reversed(range(SERIES_WEEKS))],
        context=other_sources(db, community.id, week.days(), sources, CONTEXT_SOURCES),
    )


def figures_dict(traffic: TrafficFigures) -> dict[str, object]:
    """The traffic figures as plain data (JSON export)."""

    def visits(v: Visits) -> dict[str, object]:
        return {"visits": v.visits, "conversions": v.conversions, "conversion_rate": v.conversion_rate}

    def week(w: TrafficWeek) -> dict[str, object]:
        return {
            "week": str(w.week), "days_known": w.coverage.days_known, "complete": w.known,
            "community": visits(w.community), "all_traffic": visits(w.everything),
            "community_share": w.community_share,
        }

    this, previous = traffic.this, traffic.previous
    return {
        "source": traffic.origin,
        "community_sources": list(traffic.sources),
        "this_week": week(this),
        "previous_week": week(previous),
        "visits_before": traffic.visits_before(),
        "visit_growth": traffic.visit_growth(),
        "by_platform": [{"source": s, **visits(v), "previous": visits(previous.by_source.get(s, Visits(0, 0)))}
                        for s, v in sorted(this.by_source.items())],
        "by_campaign": [{"source": s, "campaign": c, **visits(v),
                         "previous": visits(previous.by_campaign.get((s, c), Visits(0, 0)))}
                        for (s, c), v in sorted(this.by_campaign.items())],
        "context": [{"source": s, **visits(v)} for s, v in traffic.context],
        "weekly": [{"week": str(w.week), "complete": w.known, **visits(w.community)} for w in traffic.series],
    }
