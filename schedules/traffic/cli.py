"""`cmbot traffic import FILE` and `cmbot traffic pull`: bring the web analytics' figures into the store.

Everything they print is said in the community's language through the catalogue (`traffic.cli.*`); the errors
of the export reader and of the connectors arrive as codes and values and are put into words here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_context import choose_community as _community
from bot.cli_context import cli_context
from bot.clock import SystemClock

if TYPE_CHECKING:
    from bot.i18n import Catalogue
    from schedules.traffic.http import PullError


@click.group(name="traffic")
def traffic_cli() -> None:
    """Visits and conversions from the web analytics (GA4, Matomo, Plausible)."""


@traffic_cli.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--community", "community_id", help="community id (default: the only one in the config)")
@click.option("--dry-run", is_flag=True, help="read and check the whole file; store nothing")
def import_traffic(file: Path, community_id: str | None, dry_run: bool) -> None:
    """Import a GA4, Matomo or Plausible CSV export (recognised from its header), all or nothing.

    Every day from the file's first to its last is replaced, so importing the same export again, or one that
    overlaps it, never counts a visit twice. Expected columns: docs/traffic.md.
    """
    from bot.i18n import Catalogue
    from handlers.traffic.community import community_sources
    from handlers.traffic.export_text import describe
    from handlers.traffic.exports import LAYOUTS, ExportError, read_export
    from handlers.traffic.visits import replace_days

    context = cli_context()
    community = _community(context.settings(), community_id)
    catalogue, lang = Catalogue.shipped(), community.locale
    try:
        origin, rows = read_export(file)
    except ExportError as error:
        click.echo(catalogue.string(lang, "traffic.cli.failed", file=file.name,
                                    reason=describe(error, lang, catalogue)), err=True)
        raise SystemExit(1) from None
    sources = sorted(community_sources(community))
    ours = [r for r in rows if r.source in sources]
    known = all(r.conversions is not None for r in ours)
    say = catalogue.string
    summary = say(lang, "traffic.cli.summary", file=file.name,
                  origin={layout.name: layout.label for layout in LAYOUTS}.get(origin, origin),
                  first=min(r.day for r in rows), last=max(r.day for r in rows),
                  rows=say(lang, "traffic.cli.rows", count=len(rows)),
                  sources=", ".join(sources) or say(lang, "traffic.cli.no_source"),
                  visits=say(lang, "traffic.cli.visits", count=sum(r.visits for r in ours)),
                  conversions=(say(lang, "traffic.cli.conversions", count=sum(r.conversions or 0 for r in ours))
                               if known else say(lang, "traffic.cli.conversions_unknown")),
                  all=say(lang, "traffic.cli.visits", count=sum(r.visits for r in rows)))
    if dry_run:
        click.echo(say(lang, "traffic.cli.dry_run", summary=summary))
        return
    store = context.open_store()
    try:
        load = replace_days(store.db, community.id, rows, origin, "file", SystemClock().now())
    finally:
        store.close()
    if load.replaced_days:
        summary = say(lang, "traffic.cli.replaced", summary=summary, count=load.replaced_days)
    click.echo(summary)


def pull_error_text(error: PullError, lang: str, catalogue: Catalogue) -> str:
    """A connector's failure in the community's language (the service's own error text kept as it came)."""
    return catalogue.string(lang, f"traffic.pull.{error.code}", **error.values)


@traffic_cli.command(name="pull")
@click.option("--community", "community_id", help="community id (default: the only one in the config)")
@click.option("--days", type=click.IntRange(1, 366), help="days before today to pull (default: pull_days)")
def pull_traffic(community_id: str | None, days: int | None) -> None:
    """Pull the last days from the configured connector (Plausible or Matomo) now, as the daily job does."""
    import asyncio

    from bot.i18n import Catalogue
    from schedules.traffic.pull import TrafficPullJob, connector_of

    context = cli_context()
    community = _community(context.settings(), community_id)
    catalogue, lang = Catalogue.shipped(), community.locale
    if connector_of(community) is None:
        click.echo(catalogue.string(lang, "traffic.cli.no_connector", community=community.id), err=True)
        raise SystemExit(2)
    store = context.open_store()
    try:
        outcome = asyncio.run(TrafficPullJob(store, SystemClock(), [community]).pull(community, days))
    finally:
        store.close()
    if outcome.error is not None:
        click.echo(catalogue.string(lang, "traffic.cli.pull_failed",
                                    reason=pull_error_text(outcome.error, lang, catalogue)), err=True)
        raise SystemExit(1)
    assert outcome.load is not None
    click.echo(catalogue.string(lang, "traffic.cli.pulled", community=community.id, count=outcome.load.rows,
                                connector=outcome.connector.title(), first=outcome.load.first_day,
                                last=outcome.load.last_day))
