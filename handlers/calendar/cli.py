"""`cmbot posts import FILE [--dry-run]`: load a content calendar from CSV or YAML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli_context import cli_context
from bot.exit_status import ExitStatus


@click.group(name="posts")
def posts_cli() -> None:
    """Manage the content calendar from the command line."""


@posts_cli.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="check every row and print the report; import nothing")
@click.option("--community", "community_id", help="community id (default: the only one in the config)")
@click.option("--as-of", "as_of", help="check times as if it were this ISO 8601 instant (reproducible reports)")
def import_posts(file: Path, dry_run: bool, community_id: str | None, as_of: str | None) -> None:
    """Import FILE (.csv or .yml): one post per row, all or nothing. Columns are described in docs/calendar.md."""
    from bot.i18n import Catalogue
    from handlers.calendar.importer import ImportFileError, check_rows, describe, import_all, read_rows

    context = cli_context()
    settings = context.settings()
    communities = {c.id: c for c in settings.communities}
    if community_id is None:
        if len(communities) != 1:
            raise click.UsageError(f"several communities: choose one with --community ({', '.join(communities)})")
        community_id = next(iter(communities))
    community = communities.get(community_id)
    if community is None:
        raise click.UsageError(f"no community {community_id!r} (known: {', '.join(communities)})")
    try:
        rows = read_rows(file)
    except ImportFileError as error:
        click.echo(f"cmbot: {error}", err=True)
        raise SystemExit(ExitStatus.FAILED) from None
    now = datetime.now(UTC)
    if as_of:
        try:
            now = datetime.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter("expected an ISO 8601 date and time", param_hint="--as-of") from None
        if now.tzinfo is None:
            raise click.BadParameter("give a UTC offset, e.g. 2026-12-01T09:00+01:00", param_hint="--as-of")
    reports = check_rows(rows, community, now)
    catalogue = Catalogue.shipped()
    for report in reports:
        click.echo(describe(report, community, catalogue))
    invalid = sum(1 for r in reports if not r.ok)
    if not reports:
        click.echo("nothing to import: the file has no rows")
        raise SystemExit(ExitStatus.FAILED)
    if invalid:
        click.echo(f"{invalid} of {len(reports)} rows are invalid: nothing was imported", err=True)
        raise SystemExit(ExitStatus.FAILED)
    if dry_run:
        click.echo(f"{len(reports)} rows are valid (dry run: nothing was imported)")
        return
    store = context.open_store()
    try:
        ids = import_all(store.db, reports, community, now)
    finally:
        store.close()
    click.echo(f"imported {len(ids)} posts: #{ids[0]} to #{ids[-1]}")
