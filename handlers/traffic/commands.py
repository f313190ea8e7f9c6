"""`/campaign invite CAMPAIGN SOURCE [channel]`: a permanent, tracked Discord invite link per campaign and source.

The SMM prints each link where the campaign runs ("lancement" × "instagram-bio", "newsletter"); every member who
joins through it is counted for that campaign and source in the report's cohorts. One link per campaign and
source: asking again answers with the existing link instead of making a second one.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import Action, CreateInvite
from bot.clock import Clock
from bot.commands import CommandSpec, Invocation, OptionKind, OptionSpec
from bot.events import PlatformName
from bot.outbox import Outbox
from bot.platform import Capability
from bot.roles import Role
from bot.store import Store
from config.settings import Community
from handlers.traffic.invites import invite_for, normalise_name, save_invite, valid_name


def invite_channel(community: Community, asked: str | None, here: str | None) -> str | None:
    """Where the invite leads: the channel asked for, else the welcome or rules channel, else this one."""
    space = community.discord
    configured = (space.channels.welcome or space.channels.rules) if space is not None else None
    return asked or configured or here


def campaign_invite_command(store: Store, outbox: Outbox, clock: Clock) -> CommandSpec:
    async def run(invocation: Invocation) -> Sequence[Action]:
        event, community = invocation.event, invocation.community
        campaign = normalise_name(str(invocation.options.get("campaign", "")))
        source = normalise_name(str(invocation.options.get("source", "")))
        if not valid_name(campaign) or not valid_name(source):
            return [invocation.answer("traffic.invite.bad_name")]
        if event.platform != PlatformName.DISCORD or not outbox.can(PlatformName.DISCORD, Capability.INVITES):
            return [invocation.answer("traffic.invite.only_discord")]
        existing = await store.run(lambda db: invite_for(db, community.id, campaign, source))
        if existing is not None:
            return [invocation.answer("traffic.invite.exists", url=existing.url)]
        asked = invocation.options.get("channel")
        channel = invite_channel(community, str(asked) if asked else None, event.channel.id if event.channel else None)
        if channel is None:
            return [invocation.answer("traffic.invite.no_channel")]
        result = await outbox.send(PlatformName.DISCORD,
                                   CreateInvite(channel_id=channel, reason=f"campaign {campaign} / {source}"))
        if not result.ok or not result.ref:
            return [invocation.answer("traffic.invite.failed", reason=result.error or "?")]
        code = result.ref
        invite = await store.run(lambda db: save_invite(
            db, platform=PlatformName.DISCORD.value, code=code, community=community.id, space_id=event.space_id,
            campaign=campaign, source=source, channel_id=channel, created_by=event.member.id, now=clock.now()))
        return [invocation.answer("traffic.invite.created", campaign=campaign, source=source, url=invite.url)]

    return CommandSpec(
        path=("campaign", "invite"),
        description_key="traffic.invite.description",
        run=run,
        allowed=frozenset({Role.SMM}),
        options=(OptionSpec("campaign", "traffic.invite.campaign_option", required=True, max_length=40),
                 OptionSpec("source", "traffic.invite.source_option", required=True, max_length=40),
                 OptionSpec("channel", "traffic.invite.channel_option", OptionKind.CHANNEL)),
        slow=True,
    )
