"""`cmbot posts import|export|list`: the content calendar from the command line, in the community's language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli_context import choose_community, cli_context
from bot.exit_status import ExitStatus

COMMUNITY_HELP = "community id (default: the only one in the config)"


@click.group(name="posts")
def posts_cli() -> None:
    """Manage the content calendar from the command line."""


def _now(as_of: str | None) -> datetime:
    if not as_of:
        return datetime.now(UTC)
    try:
        now = datetime.fromisoformat(as_of)
    except ValueError:
        raise click.BadParameter("expected an ISO 8601 date and time", param_hint="--as-of") from None
    if now.tzinfo is None:
        raise click.BadParameter("give a UTC offset, e.g. 2026-12-01T09:00+01:00", param_hint="--as-of")
    return now


@posts_cli.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="check every row and say which are new, changed or unchanged; "
                                                "import nothing")
@click.option("--community", "community_id", help=COMMUNITY_HELP)
@click.option("--as-of", "as_of", help="check times as if it were this ISO 8601 instant (reproducible reports)")
def import_posts(file: Path, dry_run: bool, community_id: str | None, as_of: str | None) -> None:
    """Import FILE (.csv or .yml): one post per row, all or nothing, safe to run again (a row already imported is
    updated if it changed, never duplicated). Columns are described in docs/calendar.md."""
    from bot.i18n import Catalogue
    from handlers.calendar.importer import ImportFileError, check_rows, describe, import_all, read_rows, tally

    context = cli_context()
    community = choose_community(context.settings(), community_id)
    try:
        rows = read_rows(file)
    except ImportFileError as error:
        click.echo(f"cmbot: {error}", err=True)
        raise SystemExit(ExitStatus.FAILED) from None
    now = _now(as_of)
    catalogue = Catalogue.shipped()
    say = catalogue.string
    locale = community.locale
    if not rows:
        click.echo(say(locale, "calendar.import.empty"), err=True)
        raise SystemExit(ExitStatus.FAILED)
    store = context.open_store()
    try:
        reports = check_rows(rows, community, now, store.db)
        for report in reports:
            click.echo(describe(report, community, catalogue))
        invalid = sum(1 for r in reports if not r.ok)
        if invalid:
            click.echo(say(locale, "calendar.import.invalid", count=invalid, total=len(reports)), err=True)
            raise SystemExit(ExitStatus.FAILED)
        counts = tally(reports)
        if dry_run:
            click.echo(say(locale, "calendar.import.dry_run", **counts))
            return
        import_all(store.db, reports, community, now)
    finally:
        store.close()
    click.echo(say(locale, "calendar.import.done", **counts))


@posts_cli.command(name="export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--community", "community_id", help=COMMUNITY_HELP)
def export_posts(file: Path, community_id: str | None) -> None:
    """Write the calendar (posts not yet published nor cancelled) to FILE (.csv or .yml) in the import format,
    with each post's key: importing it back changes nothing."""
    from bot.i18n import Catalogue
    from handlers.calendar.sync import export_rows, write_rows

    context = cli_context()
    community = choose_community(context.settings(), community_id)
    if file.suffix.lower() not in {".csv", ".yml", ".yaml"}:
        raise click.BadParameter("use a .csv, .yml or .yaml file", param_hint="FILE")
    store = context.open_store()
    try:
        rows = export_rows(store.db, community.id)
    finally:
        store.close()
    write_rows(file, rows)
    click.echo(Catalogue.shipped().string(community.locale, "calendar.import.exported", count=len(rows),
                                          path=str(file)))


@posts_cli.command(name="list")
@click.option("--community", "community_id", help=COMMUNITY_HELP)
@click.option("--status", "status_word", default="", help="upcoming (default), all, or one status")
def list_posts(community_id: str | None, status_word: str) -> None:
    """Print the calendar: number, status, when (recurrences in words), where, and the start of the text."""
    from bot.i18n import Catalogue
    from handlers.calendar import posts as ledger
    from handlers.calendar.commands import list_text, status_choices, status_filter

    context = cli_context()
    community = choose_community(context.settings(), community_id)
    catalogue = Catalogue.shipped()
    statuses = status_filter(status_word, catalogue, community.locale)
    if statuses is None:
        raise click.BadParameter(", ".join(status_choices(catalogue, community.locale)), param_hint="--status")
    store = context.open_store()
    try:
        found = ledger.list_posts(store.db, community.id, statuses, limit=500)
    finally:
        store.close()
    click.echo(list_text(found, community, catalogue).plain())
