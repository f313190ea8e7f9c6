"""`cmbot privacy …`: an admin exercises a member's rights on their behalf (a request by e-mail, say).

MEMBER is PLATFORM:ID (`discord:123456789012345678`, `slack:U0123ABC`, `console:alice`); linked accounts are
included. With several communities, `--community` says which one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_context import cli_context
from bot.exit_status import ExitStatus

if TYPE_CHECKING:
    from bot.personal_data import PersonalData
    from handlers.privacy.accounts import Account

COMMUNITY_HELP = "community id (needed only when the config has several)"


def _account(_ctx: click.Context, _param: click.Parameter, value: str | tuple[str, ...]):
    from handlers.privacy.accounts import Account

    try:
        if isinstance(value, tuple):
            return tuple(Account.parse(v) for v in value)
        return Account.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _community(chosen: str | None) -> str:
    communities = [c.id for c in cli_context().settings().communities]
    if chosen is None:
        if len(communities) > 1:
            raise click.UsageError(f"several communities: add --community ({', '.join(communities)})")
        return communities[0]
    if chosen not in communities:
        raise click.UsageError(f"unknown community {chosen!r} (known: {', '.join(communities)})")
    return chosen


def _keep_sanctions_days(community: str) -> int:
    return next(c for c in cli_context().settings().communities if c.id == community).privacy.keep_sanctions_days


def _declarations() -> list[PersonalData]:
    return [declaration for feature in cli_context().features() for declaration in feature.personal_data]


def _forget_steps() -> list:
    return [step for feature in cli_context().features() for step in feature.forget_steps]


def _noting(step, left: list[object]):
    def run(db) -> object:
        done = step(db)
        left.append(done)
        return done

    return run


def _summary(counts) -> str:
    return ", ".join(f"{table}: {count}" for table, count in sorted(counts.items())) or "no rows"


@click.group("privacy")
def privacy_cli() -> None:
    """Members' rights: erase or export a member's data, link their accounts across platforms."""


@privacy_cli.command("forget")
@click.argument("member", callback=_account)
@click.option("--community", "community_id", help=COMMUNITY_HELP)
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def forget_command(member: Account, community_id: str | None, yes: bool) -> None:
    """Erase every row naming MEMBER (and the accounts linked to it) in every table."""
    from handlers.privacy.accounts import accounts_of
    from handlers.privacy.commands import bound
    from handlers.privacy.forget import KEPT_COUNT, KeepSanctions, count_rows, forget
    from handlers.privacy.tables import DeclarationError

    community = _community(community_id)
    store = cli_context().open_store()
    try:
        accounts = accounts_of(store.db, community, member)
        declarations = _declarations()
        days = _keep_sanctions_days(community)
        keep = KeepSanctions.for_days(days, datetime.now(UTC))
        pending = count_rows(store.db, community, accounts, declarations, keep)
        kept = pending.pop(KEPT_COUNT, 0)
        names = ", ".join(str(a) for a in accounts)
        note = f"; {kept} moderation sanction(s) kept {days} days, platform id only" if kept else ""
        question = f"Erase {sum(pending.values())} row(s) of {names} ({_summary(pending)}){note}?"
        if not yes and not click.confirm(question):
            raise SystemExit(ExitStatus.FAILED)
        settings = next(c for c in cli_context().settings().communities if c.id == community)
        person = tuple((a.platform, a.member_id) for a in accounts)
        now = datetime.now(UTC)
        left: list[object] = []  # what each feature's step left for the running bot (a count of roles)
        steps = [_noting(bound(step, settings, person, now), left) for step in _forget_steps()]
        counts = forget(store.db, community, accounts, declarations, keep, steps)
        counts.pop(KEPT_COUNT, 0)
        queued = sum(n for n in left if isinstance(n, int))
    except DeclarationError as error:
        click.echo(f"cmbot: {error}", err=True)
        raise SystemExit(ExitStatus.FAILED) from None
    finally:
        store.close()
    click.echo(f"{names}: erased {sum(counts.values())} row(s) ({_summary(counts)}){note}")
    if queued:
        click.echo(f"{queued} change(s) still to make on the platforms (such as an ambassador role to take back):"
                   " written to the database; the running bot makes them within a minute, or at its next start,"
                   " and retries until they are done")


@privacy_cli.command("export")
@click.argument("member", callback=_account)
@click.option("--community", "community_id", help=COMMUNITY_HELP)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="write to FILE (default: stdout)")
def export_command(member: Account, community_id: str | None, out: Path | None) -> None:
    """Print or write, as JSON, every row naming MEMBER (and the accounts linked to it)."""
    from bot.files import write_private
    from handlers.privacy import export as exporting
    from handlers.privacy.accounts import accounts_of

    community = _community(community_id)
    store = cli_context().open_store()
    try:
        accounts = accounts_of(store.db, community, member)
        document = exporting.collect(store.db, community, accounts, _declarations(), datetime.now(UTC))
    finally:
        store.close()
    payload = exporting.to_json(document, pretty=True)
    if out is None:
        click.echo(payload)
        return
    write_private(out, payload + "\n")  # someone's personal data: 0600 before a byte is written
    click.echo(f"{out}: {sum(exporting.row_counts(document).values())} row(s) of {', '.join(document['accounts'])}")


@privacy_cli.command("link")
@click.argument("first", callback=_account)
@click.argument("second", callback=_account)
@click.option("--community", "community_id", help=COMMUNITY_HELP)
def link_command(first: Account, second: Account, community_id: str | None) -> None:
    """Record that FIRST and SECOND are one person's accounts (after checking it yourself)."""
    from handlers.privacy.accounts import link

    community = _community(community_id)
    store = cli_context().open_store()
    try:
        linked = link(store.db, community, first, second, datetime.now(UTC))
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    finally:
        store.close()
    click.echo(f"linked: {', '.join(str(a) for a in linked)}")
