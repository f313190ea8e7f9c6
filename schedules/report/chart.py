"""The report's chart: daily active members and daily messages over the last 8 weeks, as a PNG.

Rendered with matplotlib's Agg canvas on a `Figure` object (never `pyplot`): no display is needed, no global
state is shared, so a chart can be drawn on a worker thread while the bot runs. matplotlib is imported when a
chart is drawn, not when the bot starts: it is the heaviest library the bot uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import Catalogue

if TYPE_CHECKING:
    from schedules.report.builder import WeeklyReport

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_chart(report: WeeklyReport, path: Path, catalogue: Catalogue) -> Path:
    """Draw the chart of `report` into `path` (created or replaced) and return it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from schedules.report.traffic_chart import draw_traffic

    locale = report.community.locale
    days = [point.day for point in report.daily]
    rows = 1 if report.traffic is None else 2
    figure = Figure(figsize=(8, 3.6 * rows), dpi=100)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot(rows, 1, 1)
    # matplotlib draws dates through its unit converters, but its stubs accept only numbers and arrays
    axis.plot(days, [p.active_members for p in report.daily], color="#3b6fd8",  # type: ignore[arg-type]
              label=catalogue.string(locale, "report.chart_active"))
    axis.bar(days, [p.messages for p in report.daily], color="#f2a541", alpha=0.45,  # type: ignore[arg-type]
             label=catalogue.string(locale, "report.chart_messages"))
    axis.set_title(f"{report.community.name} — {catalogue.string(locale, 'report.chart_title')} ({report.week})")
    axis.legend(loc="upper left", fontsize="small")
    axis.grid(axis="y", alpha=0.3)
    figure.autofmt_xdate()
    if report.traffic is not None:
        draw_traffic(figure.add_subplot(rows, 1, 2), report.traffic, locale, catalogue)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
