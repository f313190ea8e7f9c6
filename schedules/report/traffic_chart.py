"""The chart's traffic panel: visits from the community per week (bars; hatched when a week is not fully known)
and their conversion rate (line, right axis), over the chart's 8 weeks."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from bot.i18n import Catalogue
from schedules.report.traffic import TrafficFigures


def draw_traffic(axis: Axes, traffic: TrafficFigures, locale: str, catalogue: Catalogue) -> None:
    labels = [f"W{w.week.week:02d}" for w in traffic.series]
    positions = list(range(len(labels)))
    bars = axis.bar(positions, [w.community.visits for w in traffic.series], color="#5aa469",
                    label=catalogue.string(locale, "traffic.chart_visits"))
    for bar, week in zip(bars, traffic.series, strict=True):
        if not week.known:
            bar.set_hatch("//")
            bar.set_alpha(0.5)
    axis.set_xticks(positions, labels)
    axis.grid(axis="y", alpha=0.3)
    rate_axis = axis.twinx()
    rates = [w.community.conversion_rate if w.known else None for w in traffic.series]
    rate_axis.plot(positions, [float("nan") if r is None else r for r in rates], color="#c0392b", marker="o",
                   label=catalogue.string(locale, "traffic.chart_rate"))
    rate_axis.yaxis.set_major_formatter(PercentFormatter(1.0))
    rate_axis.set_ylim(bottom=0)
    axis.set_title(catalogue.string(locale, "traffic.chart_title", source=traffic.origin or "—"))
    handles = axis.get_legend_handles_labels()
    rate_handles = rate_axis.get_legend_handles_labels()
    axis.legend(handles[0] + rate_handles[0], handles[1] + rate_handles[1], loc="upper left", fontsize="small")
