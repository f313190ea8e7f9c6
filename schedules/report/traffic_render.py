"""The traffic part of the report cards: the community's visits, conversions and conversion rate (all platforms
together, and each platform's own utm source on its card), by campaign, all traffic as context, campaign
cohorts, and the line under the advice that names its rule and its source or says it is a stand-in."""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.actions import Field
from bot.i18n import Catalogue, precise_percent
from bot.text import Text, join
from handlers.traffic.visits import Visits
from schedules.report.builder import ScopeFigures, WeeklyReport
from schedules.report.cohorts import UNKNOWN, Cohort
from schedules.report.conversion import TRAFFIC
from schedules.report.traffic import TrafficFigures

LINES_LIMIT = 12  # lines of a list field (each well under 100 characters: far inside 1024)


def _number(value: float | None, locale: str, catalogue: Catalogue) -> str:
    return catalogue.string(locale, "report.na") if value is None else format_decimal(value, locale=locale)


def _percent(value: float | None, locale: str, catalogue: Catalogue) -> str:
    if value is None:
        return catalogue.string(locale, "report.na")
    return precise_percent(value, locale)


def _change(now: float | None, before: float | None, locale: str, catalogue: Catalogue, percent: bool = False
            ) -> str:
    if now is None or before is None:
        return catalogue.string(locale, "report.na")
    delta = now - before
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if percent:
        points = format_decimal(round(abs(delta) * 100, 1), locale=locale)
        return sign + catalogue.string(locale, "report.points", value=points)
    return sign + format_decimal(abs(delta), locale=locale)


def _visit_lines(now: Visits, before: Visits | None, locale: str, catalogue: Catalogue) -> list[Text]:
    previous = before or Visits(0, None)
    rows = (
        ("visits", now.visits, previous.visits if before else None, False, _number),
        ("conversions", now.conversions, previous.conversions if before else None, False, _number),
        ("conversion_rate", now.conversion_rate, previous.conversion_rate if before else None, True, _percent),
    )
    return [catalogue.text(locale, "traffic.line", label=catalogue.string(locale, f"traffic.metric.{key}"),
                           value=show(value, locale, catalogue),
                           change=_change(value, old, locale, catalogue, percent))
            for key, value, old, percent, show in rows]


def _capped(lines: list[Text]) -> Text:
    if len(lines) > LINES_LIMIT:
        lines = [*lines[:LINES_LIMIT], Text.of("…")]
    return join(lines)


def _community_field(traffic: TrafficFigures, locale: str, catalogue: Catalogue) -> Field:
    this, previous = traffic.this, traffic.previous
    lines = _visit_lines(this.community, previous.community if previous.known else None, locale, catalogue)
    lines.append(catalogue.text(locale, "traffic.share_line", share=_percent(this.community_share, locale, catalogue)))
    if not this.known:
        lines.append(catalogue.text(locale, "traffic.incomplete", known=this.coverage.days_known))
    lines.append(catalogue.text(locale, "traffic.source", source=traffic.origin))
    return Field(catalogue.string(locale, "traffic.section.community"), join(lines), inline=False)


def _platform_field(traffic: TrafficFigures, platform: str, locale: str, catalogue: Catalogue) -> Field:
    now = traffic.this.by_source.get(platform, Visits(0, 0))
    before = traffic.previous.by_source.get(platform, Visits(0, 0)) if traffic.previous.known else None
    lines = _visit_lines(now, before, locale, catalogue)
    if not traffic.this.known:
        lines.append(catalogue.text(locale, "traffic.incomplete", known=traffic.this.coverage.days_known))
    name = catalogue.string(locale, "traffic.section.platform",
                            platform=catalogue.string(locale, f"report.scope.{platform}"))
    return Field(name, join(lines), inline=False)


def _campaign_field(traffic: TrafficFigures, locale: str, catalogue: Catalogue) -> Field:
    ranked = sorted(traffic.this.by_campaign.items(), key=lambda item: (-item[1].visits, item[0]))
    lines = [catalogue.text(locale, "traffic.campaign_line", source=source,
                            campaign=campaign or catalogue.string(locale, "traffic.no_campaign"),
                            visits=format_decimal(v.visits, locale=locale),
                            conversions=_number(v.conversions, locale, catalogue),
                            rate=_percent(v.conversion_rate, locale, catalogue))
             for (source, campaign), v in ranked] or [catalogue.text(locale, "traffic.none")]
    return Field(catalogue.string(locale, "traffic.section.campaigns"), _capped(lines), inline=False)


def _context_field(traffic: TrafficFigures, locale: str, catalogue: Catalogue) -> Field:
    lines = _visit_lines(traffic.this.everything, traffic.previous.everything if traffic.previous.known else None,
                         locale, catalogue)
    lines += [catalogue.text(locale, "traffic.context_line", source=source,
                             visits=format_decimal(v.visits, locale=locale)) for source, v in traffic.context]
    return Field(catalogue.string(locale, "traffic.section.context"), _capped(lines), inline=False)


def cohort_lines(cohorts: list[Cohort], days: int, locale: str, catalogue: Catalogue) -> list[Text]:
    return [catalogue.text(
        locale, "traffic.cohort_line",
        campaign=c.campaign or catalogue.string(locale, "traffic.no_campaign"),
        source=catalogue.string(locale, "traffic.unknown_source") if c.source == UNKNOWN else c.source,
        arrivals=c.arrivals, activation=_percent(c.activation, locale, catalogue), days=days,
        partial="" if c.activation_final else catalogue.string(locale, "traffic.cohort_partial"),
        retention=_percent(c.retention, locale, catalogue), earlier=c.earlier_arrivals,
    ) for c in cohorts]


def traffic_fields(report: WeeklyReport, scope: ScopeFigures, catalogue: Catalogue) -> list[Field]:
    """The traffic fields of one scope's card (all platforms: community, campaigns, context, cohorts)."""
    locale = report.community.locale
    traffic = report.traffic
    fields: list[Field] = []
    if traffic is None:
        if scope.platform is None:
            fields.append(Field(catalogue.string(locale, "traffic.section.community"),
                                catalogue.text(locale, "traffic.no_data"), inline=False))
    elif scope.platform is None:
        fields += [_community_field(traffic, locale, catalogue), _campaign_field(traffic, locale, catalogue),
                   _context_field(traffic, locale, catalogue)]
    else:
        fields.append(_platform_field(traffic, scope.platform, locale, catalogue))
    if scope.platform is None:
        lines = cohort_lines(report.cohorts, report.community.traffic.activation_days, locale, catalogue)
        fields.append(Field(catalogue.string(locale, "traffic.section.cohorts"),
                            _capped(lines or [catalogue.text(locale, "traffic.none")]), inline=False))
    return fields


def advice_basis(report: WeeklyReport, catalogue: Catalogue) -> Text:
    """The rule that led to the advice and the figures' source, or why the advice is a stand-in."""
    locale = report.community.locale
    advice = report.advice
    if advice.basis != TRAFFIC:
        return catalogue.text(locale, f"traffic.stand_in.{advice.rule}")
    settings = report.community.traffic
    rule = catalogue.text(
        locale, f"traffic.rule.{advice.rule}",
        low=_percent(settings.advice_low_conversion, locale, catalogue),
        high=_percent(settings.advice_high_conversion, locale, catalogue),
        growing=_percent(settings.advice_growing_visits, locale, catalogue),
        stagnant=_percent(settings.advice_stagnant_visits, locale, catalogue),
        min_visits=settings.advice_min_visits,
    )
    return join([rule, catalogue.text(locale, "traffic.source", source=advice.source)])


def advice_kind_key(report: WeeklyReport) -> str:
    """The catalogue key of the advice sentence: traffic wording when the rule ran on real rates."""
    prefix = "traffic.advice" if report.advice.basis == TRAFFIC else "report.advice"
    return f"{prefix}.{report.advice.kind}"


def evidence_label_key(key: str) -> str:
    return f"traffic.metric.{key}" if key.startswith("traffic_") else f"report.metric.{key}"
