"""The report speaks of traffic, and its advice follows the conversion rule on hand-built weeks: every branch
of the rule on real rates, and the community-based stand-in when the traffic does not cover the week."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from bot.i18n import Catalogue
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.migrations import migrations as calendar_migrations
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.traffic.exports import VisitRow
from handlers.traffic.migrations import migrations as traffic_migrations
from handlers.traffic.visits import replace_days
from schedules.report.builder import build_report
from schedules.report.chart import PNG_SIGNATURE, render_chart
from schedules.report.export import export
from schedules.report.weeks import IsoWeek
from tests.report.dataset import NOW, acme_settings, load

W47 = IsoWeek(2026, 47)
CATALOGUE = Catalogue.shipped()


@pytest.fixture
def db(tmp_path):
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [calendar_migrations, engagement_migrations, traffic_migrations])
    load(store.db)
    yield store.db
    store.close()


def week(db, iso: IsoWeek, discord: tuple[int, int | None], slack: tuple[int, int | None] = (0, 0),
         other: int = 500, origin: str = "ga4", days: int = 7) -> None:
    """Load `days` days of `iso`: the community's visits and conversions spread over them, other traffic beside."""
    rows = []
    day_list = iso.days()[:days]
    for index, day in enumerate(day_list):
        for source, (visits, conversions) in (("discord", discord), ("slack", slack)):
            share = visits // days + (1 if index < visits % days else 0)
            share_conv = None if conversions is None else conversions // days + (
                1 if index < conversions % days else 0)
            if share or share_conv:
                rows.append(VisitRow(day, source, "community", "lancement", share, share_conv))
        rows.append(VisitRow(day, "google", "organic", "", other // days + (1 if index < other % days else 0),
                             0 if discord[1] is not None else None))
    replace_days(db, "acme", rows, origin, "file", NOW, day_list[0], day_list[-1])


def history(db, visits: int, conversions: int = 10, weeks: int = 4) -> None:
    for back in range(1, weeks + 1):
        week(db, W47.shift(-back), (visits, conversions))


def report(db, extra: str = ""):
    community = acme_settings(extra).communities[0]
    return build_report(db, community, W47, NOW)


# -- every branch of the rule on real rates -------------------------------------------------------------------
def test_low_conversion_with_more_visits_means_community_management(db):
    history(db, 1000)
    week(db, W47, (1300, 13))  # 1 % conversion, visits +30 % on the 4 weeks before
    advice = report(db).advice
    assert (advice.kind, advice.basis, advice.rule) == ("community_management", "traffic", "low_conversion_more_visits")
    assert advice.evidence["traffic_visits"] == 1300 and advice.evidence["traffic_conversions"] == 13
    assert advice.evidence["traffic_conversion_rate"] == pytest.approx(0.01)
    assert advice.evidence["traffic_visit_growth"] == pytest.approx(0.30)
    assert advice.source == "GA4 (file)"


def test_high_conversion_with_a_stagnant_audience_means_reach(db):
    history(db, 1000)
    week(db, W47, (1010, 80))  # 7.9 % conversion, visits +1 %
    advice = report(db).advice
    assert (advice.kind, advice.basis, advice.rule) == ("reach", "traffic", "high_conversion_stagnant_visits")


@pytest.mark.parametrize(("visits", "conversions"), [(1010, 10), (1300, 90), (1050, 35)])
def test_when_neither_rule_holds_the_advice_is_steady_and_says_so(db, visits, conversions):
    history(db, 1000)
    week(db, W47, (visits, conversions))  # low & stagnant, high & growing, middle rate
    advice = report(db).advice
    assert (advice.kind, advice.rule) == ("steady", "no_rule_applies")


def test_too_few_visits_to_judge(db):
    history(db, 30)
    week(db, W47, (40, 0))
    advice = report(db).advice
    assert (advice.kind, advice.basis, advice.rule) == ("too_few", "traffic", "too_few_visits")


def test_without_history_no_growth_is_claimed(db):
    week(db, W47, (1000, 90))  # high conversion, but no week before to call the audience stagnant
    advice = report(db).advice
    assert advice.evidence["traffic_visit_growth"] is None
    assert (advice.kind, advice.rule) == ("steady", "no_rule_applies")


def test_thresholds_come_from_the_config(db):
    history(db, 1000)
    week(db, W47, (1300, 13))
    relaxed = report(db, "\n[communities.traffic]\nadvice_low_conversion = 0.005\n").advice
    assert relaxed.rule == "no_rule_applies"
    strict = report(db, "\n[communities.traffic]\nadvice_growing_visits = 0.5\nadvice_stagnant_visits = 0.4\n"
                        "advice_low_conversion = 0.02\nadvice_high_conversion = 0.02\n").advice
    assert strict.rule == "no_rule_applies"  # +30 % is no longer "growing", and 1 % is not high


def test_the_community_share_counts_only_the_community_sources(db):
    history(db, 1000)
    week(db, W47, (700, 7), slack=(300, 3), other=1000)
    built = report(db)
    assert built.traffic.this.community.visits == 1000
    assert built.traffic.this.everything.visits == 2000
    assert built.traffic.this.community_share == pytest.approx(0.5)
    assert built.advice.evidence["traffic_visits"] == 1000


# -- the stand-in ---------------------------------------------------------------------------------------------
def test_without_traffic_data_the_community_advice_is_a_stand_in(db):
    built = report(db)
    assert built.traffic is None
    assert (built.advice.basis, built.advice.rule) == ("community", "no_traffic")
    assert built.advice.kind in ("community_management", "reach", "steady", "too_few")
    text = export(built, "text", CATALOGUE)
    assert "Stand-in: no traffic data covers this week" in text
    assert "No traffic data for this week" in text


def test_a_week_missing_a_day_is_not_used_for_the_rule(db):
    history(db, 1000)
    week(db, W47, (1300, 13), days=6)
    built = report(db)
    assert (built.advice.basis, built.advice.rule) == ("community", "incomplete_week")
    assert "Only 6 of 7 days known" in export(built, "text", CATALOGUE)


def test_traffic_without_conversions_is_not_used_for_the_rule(db):
    history(db, 1000)
    week(db, W47, (1300, None), origin="plausible")
    assert (report(db).advice.basis, report(db).advice.rule) == ("community", "no_conversions")


# -- every format and the chart --------------------------------------------------------------------------------
def test_every_format_speaks_of_traffic_week_over_week(db, tmp_path):
    history(db, 1000)
    week(db, W47, (1000, 10), slack=(300, 3))
    built = report(db)
    text = export(built, "text", CATALOGUE)
    assert "Traffic from the community" in text and "Visits: 1,300 (+300)" in text
    assert "Conversion rate: 1%" in text
    assert "Traffic from Discord" in text and "Traffic from Slack" in text
    assert "discord · lancement: 1,000 visits, 10 conversions (1%)" in text
    assert "Rule: conversion rate below 2% while visits grow by 10% or more → community management." in text
    assert "Source: GA4 (file)." in text
    markdown = export(built, "markdown", CATALOGUE)
    assert "### Traffic by campaign" in markdown
    data = json.loads(export(built, "json", CATALOGUE))
    assert data["traffic"]["this_week"]["community"] == {"visits": 1300, "conversions": 13,
                                                         "conversion_rate": pytest.approx(0.01)}
    assert data["traffic"]["previous_week"]["community"]["visits"] == 1000
    assert data["advice"]["rule"] == "low_conversion_more_visits" and data["advice"]["basis"] == "traffic"
    rows = list(csv.DictReader(io.StringIO(export(built, "csv", CATALOGUE))))
    visits = next(r for r in rows if r["platform"] == "all" and r["metric"] == "traffic_visits")
    assert (visits["value"], visits["previous_week"], visits["change"]) == ("1300", "1000", "300")
    slack = next(r for r in rows if r["platform"] == "slack" and r["metric"] == "traffic_visits")
    assert (slack["value"], slack["previous_week"]) == ("300", "0")
    assert any(r["metric"] == "campaign[lancement]_conversions" and r["platform"] == "discord" for r in rows)
    french = build_report(db, acme_settings().communities[0].model_copy(update={"locale": "fr"}), W47, NOW)
    assert "Trafic venu de la communauté" in export(french, "text", CATALOGUE)
    assert "Règle\u00a0: taux de conversion sous 2" in export(french, "text", CATALOGUE)
    chart = render_chart(built, tmp_path / "chart.png", CATALOGUE)
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
    without = render_chart(report_without_traffic(tmp_path), tmp_path / "plain.png", CATALOGUE)
    assert chart.stat().st_size != without.stat().st_size  # the traffic panel is drawn


def report_without_traffic(tmp_path):
    store = Store.open(tmp_path / "empty.db")
    apply_all(store.db, [calendar_migrations, engagement_migrations, traffic_migrations])
    load(store.db)
    try:
        return build_report(store.db, acme_settings().communities[0], W47, NOW)
    finally:
        store.close()


def test_the_cards_stay_within_the_platform_limits_with_traffic(db):
    from schedules.report.render import CARD_LIMIT, FIELDS_LIMIT, _card_size, report_cards

    history(db, 1000)
    many = [VisitRow(day, "discord", "community", f"campaign-{i:02d}", 10, 1) for day in W47.days()
            for i in range(40)]
    replace_days(db, "acme", many, "ga4", "file", NOW + timedelta(seconds=1))
    for card in report_cards(report(db), "discord", CATALOGUE):
        assert len(card.fields) <= FIELDS_LIMIT and _card_size(card) <= CARD_LIMIT
