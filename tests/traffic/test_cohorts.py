"""Cohorts by campaign and source, worked out by hand on the report's W47 data set: arrivals, activation
within N days, retention at 4 weeks; Slack joins and unattributed Discord joins under "unknown"."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.i18n import Catalogue
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.migrations import migrations as calendar_migrations
from handlers.engagement.log import PublishedPosts, write_rows
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.traffic.invites import INVITE, NO_PERMISSION, Attribution, record_joins
from handlers.traffic.migrations import migrations as traffic_migrations
from schedules.report.builder import build_report
from schedules.report.cohorts import campaign_cohorts
from schedules.report.export import export
from schedules.report.weeks import IsoWeek
from tests.report.dataset import NOW, acme_settings, load, nov, row

W47 = IsoWeek(2026, 47)
OCT_21 = nov(1, 10) - 86400 * 11  # Wednesday 21 October (W43), 10:00 Paris


@pytest.fixture
def db(tmp_path):
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [calendar_migrations, engagement_migrations, traffic_migrations])
    load(store.db)
    d = "discord"
    write_rows(store.db, [
        row(d, "x1", "join", OCT_21), row(d, "x2", "join", OCT_21 + 60),
        row(d, "x1", "reaction", nov(18, 12), "general", None, "m100"),  # x1 still here in W47
        row(d, "d2", "message", nov(25, 12), "general", "late"),  # d2 posts 8 days after joining: too late
    ], PublishedPosts())
    invites = {"AAA": _invite("AAA", "lancement", "instagram-bio"), "BBB": _invite("BBB", "lancement", "newsletter")}
    record_joins(store.db, "acme", d, invites, [
        Attribution("d1", nov(16, 10), INVITE, "AAA"),
        Attribution("d2", nov(17, 10), INVITE, "AAA"),
        Attribution("x1", OCT_21, INVITE, "BBB"),
        Attribution("x2", OCT_21 + 60, INVITE, "BBB"),
        Attribution("d5", nov(10, 10), NO_PERMISSION),
    ])
    yield store.db
    store.close()


def _invite(code, campaign, source):
    from handlers.traffic.invites import TrackedInvite

    return TrackedInvite("discord", code, "acme", campaign, source, "700", "2026-10-01T00:00:00+00:00")


def test_cohorts_by_campaign_and_source(db):
    community = acme_settings().communities[0]
    later = NOW.replace(day=30)  # a week after the report: every activation window of W47 has closed
    cohorts = {(c.campaign, c.source): c for c in campaign_cohorts(db, community, W47, later)}
    instagram = cohorts[("lancement", "instagram-bio")]
    assert (instagram.arrivals, instagram.activated, instagram.activation_final) == (2, 1, True)  # d1 posted
    newsletter = cohorts[("lancement", "newsletter")]
    assert (newsletter.arrivals, newsletter.earlier_arrivals, newsletter.retained) == (0, 2, 1)  # x1 stayed
    assert newsletter.retention == pytest.approx(0.5) and newsletter.activation is None
    unknown = cohorts[("", "unknown")]
    assert unknown.arrivals == 1 and unknown.activated == 1  # s1 on Slack: no attributable source


def test_activation_counts_only_up_to_the_reports_time(db):
    community = acme_settings().communities[0]
    cohorts = {(c.campaign, c.source): c for c in campaign_cohorts(db, community, W47, NOW)}
    assert cohorts[("lancement", "instagram-bio")].activation_final is False  # d2's 7 days are not over


def test_cohorts_in_the_report_and_its_exports(db):
    report = build_report(db, acme_settings().communities[0], W47, NOW)
    catalogue = Catalogue.shipped()
    text = export(report, "text", catalogue)
    assert "Arrivals by campaign and source" in text
    assert "lancement · instagram-bio: 2 arrived, 50% active within 7 days (so far)" in text
    data = json.loads(export(report, "json", catalogue))
    assert {"campaign": "lancement", "source": "newsletter", "retention_4_weeks": 0.5}.items() <= next(
        c for c in data["cohorts"] if c["source"] == "newsletter").items()
    rows = list(csv.DictReader(io.StringIO(export(report, "csv", catalogue))))
    assert any(r["metric"] == "cohort_arrivals[lancement|instagram-bio]" and r["value"] == "2" for r in rows)
