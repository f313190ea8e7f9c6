"""The traffic figures and campaign cohorts as rows of the CSV export and entries of the JSON export.

CSV rows keep the export's columns (community, week, platform, metric, value, previous_week, change): the
platform column holds the utm source for per-platform traffic, and a campaign or cohort is named inside the
metric, e.g. `campaign[lancement]_visits` or `cohort_arrivals[lancement|instagram-bio]`.
"""

from __future__ import annotations

from collections.abc import Iterator

from handlers.traffic.visits import Visits
from schedules.report.builder import WeeklyReport
from schedules.report.cohorts import Cohort
from schedules.report.metrics import Number

Row = tuple[str, str, Number, Number]


def _visits(platform: str, prefix: str, now: Visits, before: Visits | None) -> Iterator[Row]:
    yield platform, f"{prefix}visits", now.visits, before.visits if before else None
    yield platform, f"{prefix}conversions", now.conversions, before.conversions if before else None
    yield platform, f"{prefix}conversion_rate", now.conversion_rate, before.conversion_rate if before else None


def traffic_rows(report: WeeklyReport) -> Iterator[Row]:
    traffic = report.traffic
    if traffic is not None:
        this, previous = traffic.this, traffic.previous
        yield "all", "traffic_days_known", this.coverage.days_known, previous.coverage.days_known
        yield from _visits("all", "traffic_", this.community, previous.community)
        yield from _visits("all", "all_traffic_", this.everything, previous.everything)
        yield "all", "traffic_community_share", this.community_share, previous.community_share
        yield "all", "traffic_visits_before", traffic.visits_before(), None
        yield "all", "traffic_visit_growth", traffic.visit_growth(), None
        for source in sorted(set(this.by_source) | set(previous.by_source)):
            yield from _visits(source, "traffic_", this.by_source.get(source, Visits(0, 0)),
                               previous.by_source.get(source, Visits(0, 0)))
        for source, campaign in sorted(set(this.by_campaign) | set(previous.by_campaign)):
            yield from _visits(source, f"campaign[{campaign}]_", this.by_campaign.get((source, campaign), Visits(0, 0)),
                               previous.by_campaign.get((source, campaign), Visits(0, 0)))
    for cohort in report.cohorts:
        name = f"[{cohort.campaign}|{cohort.source}]"
        yield "all", f"cohort_arrivals{name}", cohort.arrivals, None
        yield "all", f"cohort_activation{name}", cohort.activation, None
        yield "all", f"cohort_retention_4w{name}", cohort.retention, None


def cohort_dict(cohort: Cohort) -> dict[str, object]:
    return {"campaign": cohort.campaign, "source": cohort.source, "arrivals": cohort.arrivals,
            "activated": cohort.activated, "activation": cohort.activation,
            "activation_final": cohort.activation_final, "arrivals_4_weeks_before": cohort.earlier_arrivals,
            "retained_4_weeks": cohort.retained, "retention_4_weeks": cohort.retention}
