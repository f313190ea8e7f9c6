"""`cmbot discord …`: the Discord chores that happen outside a run (invite link, global command sync).

discord.py is imported inside the commands, so that listing `cmbot`'s commands does not load it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from bot.cli_context import CliContext, cli_context
from bot.exit_status import ExitStatus

if TYPE_CHECKING:
    from bot.commands import CommandRegistry
    from bot.i18n import Catalogue


@click.group("discord")
def discord_cli() -> None:
    """Discord set-up: the invite link and the slash-command registration."""


@discord_cli.command("invite-url")
@click.option("--client-id", type=int, help="application id (default: read from DISCORD_TOKEN)")
@click.option("--guild", "guild_id", help="preselect this server (guild id) on the invite page")
def invite_url_command(client_id: int | None, guild_id: str | None) -> None:
    """Print the OAuth2 link that adds the bot with exactly the scopes and permissions it needs."""
    from bot.platforms.discord.intents import client_id_from_token, invite_url

    if client_id is None:
        secret = cli_context().secrets.DISCORD_TOKEN
        client_id = client_id_from_token(secret.get_secret_value()) if secret is not None else None
    if client_id is None:
        raise click.UsageError("give --client-id (Developer Portal, General Information) or set DISCORD_TOKEN")
    click.echo(invite_url(client_id, guild_id))


@discord_cli.command("sync")
@click.option("--guild", "guild_ids", multiple=True, help="sync to this guild only (repeatable; instant)")
@click.option("--dry-run", is_flag=True, help="print the command payloads as JSON instead of sending them")
def sync_command(guild_ids: tuple[str, ...], dry_run: bool) -> None:
    """Register the slash commands globally (Discord may take up to an hour to show them everywhere).

    `cmbot run` already syncs to the configured guilds at start-up; use this to publish them globally or to
    one guild without running the bot.
    """
    import asyncio

    import discord

    from bot.platforms.discord.commands import command_payloads

    context = cli_context()
    registry, catalogue = _commands(context)
    payloads = command_payloads(registry, catalogue)
    if dry_run:
        click.echo(json.dumps(payloads, ensure_ascii=False, indent=2))
        return
    secret = context.secrets.DISCORD_TOKEN
    if secret is None:
        raise click.UsageError("set the DISCORD_TOKEN environment variable")
    try:
        count = asyncio.run(sync_commands(secret.get_secret_value(), payloads, guild_ids))
    except discord.LoginFailure:
        click.echo("cmbot: Discord refused the token (401): check DISCORD_TOKEN", err=True)
        raise SystemExit(ExitStatus.DISCORD_REFUSED) from None
    except discord.HTTPException as error:
        click.echo(f"cmbot: Discord refused the commands: {error.status} {error.text}", err=True)
        raise SystemExit(ExitStatus.FAILED) from None
    where = ", ".join(f"guild {g}" for g in guild_ids) or "globally"
    click.echo(f"synced {count} command(s) {where}")


def _commands(context: CliContext) -> tuple[CommandRegistry, Catalogue]:
    """The commands every shipped feature declares, exactly as `cmbot run` would register them."""
    from bot.app import App
    from bot.clock import SystemClock
    from bot.store import Store
    from bot.wakeups import SchedulerWakeups

    settings = context.settings()
    app = App(settings, Store.open(settings.bot.database), SystemClock(), SchedulerWakeups(), context.features())
    try:
        return app.services.commands, app.services.catalogue
    finally:
        app.services.store.close()


async def sync_commands(token: str, payloads: list[dict], guild_ids: tuple[str, ...] = (),
                        api_base: str | None = None) -> int:
    """Log in over REST only (no gateway) and replace the application's commands; returns how many."""
    import discord

    from bot.platforms.discord import private_http

    private_http.point_at(api_base)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token)
        if guild_ids:
            for guild_id in guild_ids:
                await private_http.replace_guild_commands(client, int(guild_id), payloads)
        else:
            await private_http.replace_global_commands(client, payloads)
    finally:
        await client.close()
    return len(payloads)
