"""The crowded weekly report's cards, for the platform tests that post them through the real adapters."""

from __future__ import annotations

from pathlib import Path

from bot.actions import Content
from bot.i18n import Catalogue
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.migrations import migrations as calendar_migrations
from handlers.engagement.migrations import migrations as engagement_migrations
from schedules.report.builder import build_report
from schedules.report.chart import render_chart
from schedules.report.render import report_cards
from tests.report.dataset import NOW, acme_settings
from tests.report.test_render import W47, _crowded


def crowded_cards(folder: Path, platform: str) -> list[Content]:
    """Every card of a report with long lists and hostile names, with its chart, as `platform` would get."""
    store = Store.open(folder / "report.db")
    try:
        apply_all(store.db, [calendar_migrations, engagement_migrations])
        _crowded(store.db)
        community = acme_settings('\n[communities.engagement]\ntop_count = 10\n').communities[0]
        report = build_report(store.db, community, W47, NOW)
        catalogue = Catalogue.shipped()
        chart = render_chart(report, folder / "chart.png", catalogue)
        return report_cards(report, platform, catalogue, str(chart))
    finally:
        store.close()
