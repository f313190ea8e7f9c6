"""`cmbot campaigns invite CAMPAIGN SOURCE` and `cmbot campaigns list`: the tracked invite links, from the shell.

The link is created through Discord's REST API with DISCORD_TOKEN (no gateway connection needed), in the
channel given, else the community's welcome or rules channel. One link per campaign and source. It sits
with the front doors because it uses both the traffic feature and the Discord platform.
"""

from __future__ import annotations

import click

from bot.cli_context import choose_community as _community
from bot.cli_context import cli_context
from bot.clock import SystemClock


@click.group(name="campaigns")
def campaigns_cli() -> None:
    """Tracked Discord invite links, one per campaign and source."""


@campaigns_cli.command(name="invite")
@click.argument("campaign")
@click.argument("source")
@click.option("--channel", "channel_id", help="channel id the link opens (default: the welcome or rules channel)")
@click.option("--community", "community_id", help="community id (default: the only one in the config)")
def invite(campaign: str, source: str, channel_id: str | None, community_id: str | None) -> None:
    """Create (or show) the permanent Discord invite link of CAMPAIGN and SOURCE, e.g. `lancement instagram-bio`."""
    from handlers.traffic.commands import invite_channel
    from handlers.traffic.invites import invite_for, normalise_name, save_invite, valid_name

    campaign, source = normalise_name(campaign), normalise_name(source)
    if not valid_name(campaign) or not valid_name(source):
        raise click.BadParameter("campaign and source are short names: letters, digits, '-' or '_' (at most 40)")
    context = cli_context()
    settings = context.settings()
    community = _community(settings, community_id)
    if community.discord is None:
        raise click.UsageError(f"{community.id} has no [discord] space: invite links are tracked on Discord only")
    store = context.open_store()
    try:
        existing = invite_for(store.db, community.id, campaign, source)
        if existing is not None:
            click.echo(f"{campaign} · {source}: {existing.url} (already exists)")
            return
        channel = invite_channel(community, channel_id, None)
        if channel is None:
            raise click.UsageError("give --channel, or set the welcome or rules channel of the community")
        secret = context.secrets.DISCORD_TOKEN
        if secret is None:
            raise click.UsageError("set the DISCORD_TOKEN environment variable")
        code = _create(secret.get_secret_value(), channel, f"campaign {campaign} / {source}",
                       settings.bot.endpoints.discord_api)
        saved = save_invite(store.db, platform="discord", code=code, community=community.id,
                            space_id=community.discord.space_id, campaign=campaign, source=source,
                            channel_id=channel, created_by="cli", now=SystemClock().now())
    finally:
        store.close()
    click.echo(f"{campaign} · {source}: {saved.url}")


def _create(token: str, channel_id: str, reason: str, api_base: str | None) -> str:
    import asyncio

    import discord

    from bot.platforms.discord.invites import create_invite_over_rest

    try:
        return asyncio.run(create_invite_over_rest(token, channel_id, reason, api_base))
    except discord.LoginFailure:
        click.echo("cmbot: Discord refused the token (401): check DISCORD_TOKEN", err=True)
        raise SystemExit(3) from None
    except discord.Forbidden as error:
        click.echo(f"cmbot: Discord refused to create the invite ({error.status} {error.text}): the bot needs the "
                   "Create Invite permission in that channel", err=True)
        raise SystemExit(1) from None
    except (discord.HTTPException, ValueError) as error:
        click.echo(f"cmbot: the invite could not be created: {error}", err=True)
        raise SystemExit(1) from None


@campaigns_cli.command(name="list")
@click.option("--community", "community_id", help="community id (default: the only one in the config)")
def list_command(community_id: str | None) -> None:
    """List the tracked invite links, by campaign and source."""
    from handlers.traffic.invites import list_invites

    context = cli_context()
    community = _community(context.settings(), community_id)
    store = context.open_store()
    try:
        invites = list_invites(store.db, community.id)
    finally:
        store.close()
    if not invites:
        click.echo("no tracked invite link yet: cmbot campaigns invite CAMPAIGN SOURCE")
    for item in invites:
        click.echo(f"{item.campaign}\t{item.source}\t{item.url}\t{item.created_at}")
