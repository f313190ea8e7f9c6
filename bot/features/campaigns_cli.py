"""`cmbot campaigns invite CAMPAIGN SOURCE` and `cmbot campaigns list`: the tracked invite links, from the shell.

The link is created through Discord's REST API with DISCORD_TOKEN (no gateway connection needed), in the
channel given, else the community's welcome or rules channel. One link per campaign and source. It sits
with the front doors because it uses both the traffic feature and the Discord platform. What it prints is
said in the community's language through the catalogue (the `/campaign invite` command's own wording where
they say the same thing).
"""

from __future__ import annotations

from typing import NoReturn

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
    from bot.i18n import Catalogue
    from handlers.traffic.commands import invite_channel
    from handlers.traffic.invites import invite_for, normalise_name, save_invite, valid_name

    context = cli_context()
    settings = context.settings()
    community = _community(settings, community_id)
    say, lang = Catalogue.shipped().string, community.locale
    campaign, source = normalise_name(campaign), normalise_name(source)
    if not valid_name(campaign) or not valid_name(source):
        _refuse(say(lang, "traffic.cli.error", message=say(lang, "traffic.invite.bad_name")))
    if community.discord is None:
        _refuse(say(lang, "traffic.cli.error", message=say(lang, "traffic.invite.only_discord")))
    store = context.open_store()
    try:
        existing = invite_for(store.db, community.id, campaign, source)
        if existing is not None:
            click.echo(say(lang, "traffic.invite.exists", url=existing.url))
            return
        channel = invite_channel(community, channel_id, None)
        if channel is None:
            _refuse(say(lang, "traffic.cli.error", message=say(lang, "traffic.cli.invite_no_channel")))
        secret = context.secrets.DISCORD_TOKEN
        if secret is None:
            _refuse(say(lang, "traffic.cli.error", message=say(lang, "traffic.cli.invite_no_token")))
        code = _create(secret.get_secret_value(), channel, f"campaign {campaign} / {source}",
                       settings.bot.endpoints.discord_api, lang)
        saved = save_invite(store.db, platform="discord", code=code, community=community.id,
                            space_id=community.discord.space_id, campaign=campaign, source=source,
                            channel_id=channel, created_by="cli", now=SystemClock().now())
    finally:
        store.close()
    click.echo(say(lang, "traffic.invite.created", campaign=campaign, source=source, url=saved.url))


def _refuse(message: str) -> NoReturn:
    """A usage problem, already in the community's language: exit status 2, as click gives bad usage."""
    click.echo(message, err=True)
    raise SystemExit(2)


def _create(token: str, channel_id: str, reason: str, api_base: str | None, lang: str) -> str:
    import asyncio

    import discord

    from bot.i18n import Catalogue
    from bot.platforms.discord.invites import create_invite_over_rest

    say = Catalogue.shipped().string
    try:
        return asyncio.run(create_invite_over_rest(token, channel_id, reason, api_base))
    except discord.LoginFailure:
        click.echo(say(lang, "traffic.cli.invite_token_refused"), err=True)
        raise SystemExit(3) from None
    except discord.Forbidden as error:
        failed = say(lang, "traffic.invite.failed", reason=f"{error.status} {error.text}")
        click.echo(say(lang, "traffic.cli.error", message=failed), err=True)
        raise SystemExit(1) from None
    except (discord.HTTPException, ValueError) as error:
        click.echo(say(lang, "traffic.cli.invite_http_failed", reason=str(error)), err=True)
        raise SystemExit(1) from None


@campaigns_cli.command(name="list")
@click.option("--community", "community_id", help="community id (default: the only one in the config)")
def list_command(community_id: str | None) -> None:
    """List the tracked invite links, by campaign and source."""
    from bot.i18n import Catalogue
    from handlers.traffic.invites import list_invites

    context = cli_context()
    community = _community(context.settings(), community_id)
    store = context.open_store()
    try:
        invites = list_invites(store.db, community.id)
    finally:
        store.close()
    if not invites:
        click.echo(Catalogue.shipped().string(community.locale, "traffic.cli.invites_none"))
    for item in invites:
        click.echo(f"{item.campaign}\t{item.source}\t{item.url}\t{item.created_at}")
