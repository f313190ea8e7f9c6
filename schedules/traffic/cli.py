"""`cmbot traffic import FILE` and `cmbot traffic pull`: bring the web analytics' figures into the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_context import choose_community as _community
from bot.cli_context import cli_context
from bot.clock import SystemClock

if TYPE_CHECKING:
    pass


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
    from handlers.traffic.community import community_sources
    from handlers.traffic.exports import ExportError, read_export
    from handlers.traffic.visits import Visits, replace_days

    context = cli_context()
    community = _community(context.settings(), community_id)
    try:
        origin, rows = read_export(file)
    except ExportError as error:
        click.echo(f"cmbot: {file.name}: {error}", err=True)
        raise SystemExit(1) from None
    sources = set(community_sources(community))
    ours = [r for r in rows if r.source in sources]
    known = all(r.conversions is not None for r in ours)
    mine = Visits(sum(r.visits for r in ours), sum(r.conversions or 0 for r in ours) if known else None)
    first, last = min(r.day for r in rows), max(r.day for r in rows)
    summary = (f"{file.name}: {origin} export, {first} to {last}, {len(rows)} rows; from the community "
               f"({', '.join(sorted(sources)) or 'no source'}): {mine.visits} visits, "
               f"{mine.conversions if mine.conversions is not None else 'no'} conversions;"
               f" all traffic: {sum(r.visits for r in rows)} visits")
    if dry_run:
        click.echo(summary + " (dry run: nothing stored)")
        return
    store = context.open_store()
    try:
        load = replace_days(store.db, community.id, rows, origin, "file", SystemClock().now())
    finally:
        store.close()
    replaced = f"; {load.replaced_days} day(s) replaced" if load.replaced_days else ""
    click.echo(summary + replaced)


@traffic_cli.command(name="pull")
@click.option("--community", "community_id", help="community id (default: the only one in the config)")
@click.option("--days", type=click.IntRange(1, 366), help="days before today to pull (default: pull_days)")
def pull_traffic(community_id: str | None, days: int | None) -> None:
    """Pull the last days from the configured connector (Plausible or Matomo) now, as the daily job does."""
    import asyncio

    from schedules.traffic.pull import TrafficPullJob, connector_of

    context = cli_context()
    community = _community(context.settings(), community_id)
    if connector_of(community) is None:
        click.echo(f"cmbot: {community.id} has no connector: add [communities.traffic.plausible] or "
                   "[communities.traffic.matomo] (docs/traffic.md)", err=True)
        raise SystemExit(2)
    store = context.open_store()
    try:
        outcome = asyncio.run(TrafficPullJob(store, SystemClock(), [community]).pull(community, days))
    finally:
        store.close()
    if outcome.error is not None:
        click.echo(f"cmbot: {outcome.error}", err=True)
        raise SystemExit(1)
    assert outcome.load is not None
    click.echo(f"{community.id}: {outcome.load.rows} rows from {outcome.connector} for {outcome.load.first_day} "
               f"to {outcome.load.last_day}")
