"""`cmbot report`: the weekly report from the command line, to paste in a deck or load in a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli_context import cli_context
from bot.exit_status import ExitStatus

FORMATS = ("text", "markdown", "json", "csv")  # the formats of `schedules.report.export` (a test checks)

LONG_FIRST_READ = 3  # slices of six weeks: a first read of four months of log or more is worth following


def _progress(done: int, total: int) -> None:
    """The first report on a large log takes a while (minutes over millions of rows): say how far it got."""
    if total >= LONG_FIRST_READ:
        click.echo(f"reading the engagement log for the first time: {done}/{total} (six weeks each)", err=True)


def chart_beside(out: Path) -> Path:
    """Where the chart of a report written to `out` goes: the same folder and name, `-chart.png`."""
    return out.with_name(f"{out.stem}-chart.png")


@click.command("report")
@click.option("--week", "week_text", help="ISO week, e.g. 2026-W47 (default: the last complete week)")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text and markdown for reading, json and csv for tools and spreadsheets")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="write to this file instead of printing")
@click.option("--community", "community_id", help="community id (default: the first one in the config)")
@click.option("--chart", "chart", type=click.Path(dir_okay=False, path_type=Path),
              help="draw the 8-week chart into this PNG file (default with --out: beside it, FILE-chart.png)")
@click.option("--no-chart", "no_chart", is_flag=True, help="do not draw the chart")
def report_cli(week_text: str | None, fmt: str, out: Path | None, community_id: str | None,
               chart: Path | None, no_chart: bool) -> None:
    """Print (or write) one week's strategy report: every metric with its week-over-week change.

    With --out, the chart is drawn beside the report (report.md -> report-chart.png) unless --no-chart or the
    community's `report.chart` is off; printed to the terminal, a chart is drawn only with --chart FILE."""
    from bot.clock import SystemClock
    from bot.i18n import Catalogue
    from schedules.report.builder import build_report
    from schedules.report.chart import render_chart
    from schedules.report.export import export
    from schedules.report.weeks import IsoWeek

    context = cli_context()
    settings = context.settings()
    communities = {c.id: c for c in settings.communities}
    if community_id is not None and community_id not in communities:
        click.echo(f"cmbot: no community {community_id!r}; known: {', '.join(communities)}", err=True)
        raise SystemExit(ExitStatus.USAGE)
    community = communities[community_id] if community_id else settings.communities[0]
    now = SystemClock().now()
    try:
        week = IsoWeek.parse(week_text) if week_text else IsoWeek.last_complete(now, community.tz)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--week") from None
    store = context.open_store()
    try:
        report = build_report(store.db, community, week, now, progress=_progress)
    finally:
        store.close()
    catalogue = Catalogue.shipped()
    text = export(report, fmt, catalogue)
    if chart is None and out is not None and community.report.chart:
        chart = chart_beside(out)
    if chart is not None and not no_chart:
        render_chart(report, chart, catalogue)
        click.echo(f"{chart}: chart of {community.id} {week}", err=True)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{out}: {fmt} report for {community.id} {week}", err=True)
