"""The welcome handler: a member joins, the community greets them once, by name, pinging nobody else.

On `MemberJoined` it records the member as present and claims the welcome for this join in the store (so a
replay after a restart is a no-op), then either posts the welcome in the platform's welcome channel (plus the
onboarding DM, falling back to that channel when DMs are closed) or, during a join spike, holds the newcomer
for the next batched welcome (held newcomers get no onboarding DM: hundreds of DMs in a minute would hit rate
limits and mostly reach raid accounts). `MemberLeft` keeps the member list current.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta

from bot.actions import Action, Content, DirectMessage, Post
from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.events import MemberJoined, MemberLeft, PlatformName
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.store import Store
from config.settings import Community
from handlers.welcome.bursts import BurstKey, JoinBursts
from handlers.welcome.followup import FollowUps
from handlers.welcome.roster import JoinRecord, present_count, record_join, record_leave
from handlers.welcome.templates import Newcomer, batch_text, onboarding_text, welcome_text


class Welcomer:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        catalogue: Catalogue,
        outbox: Outbox,
        directory: CommunityDirectory,
        optouts: OptOuts,
        followups: FollowUps,
        raids: JoinBursts | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.catalogue = catalogue
        self.outbox = outbox
        self.directory = directory
        self.optouts = optouts
        self.followups = followups
        self.raids = raids

    async def on_join(self, event: MemberJoined, community: Community) -> Sequence[Action]:
        settings = community.welcome
        platform = str(event.platform)
        member = event.member
        follow = settings.enabled and settings.followup and not self.optouts.is_opted_out(
            community.id, platform, member.id
        )
        join = JoinRecord(
            community=community.id,
            platform=platform,
            member_id=member.id,
            display_name=member.display_name,
            joined_at=(member.joined_at or event.at).astimezone(UTC),
            followup_after=timedelta(days=settings.followup_days) if follow else None,
        )
        now = self.clock.now()
        outcome = await self.store.run(lambda db: record_join(db, join, now))
        if not outcome.first or not settings.enabled:
            return []
        if outcome.awaiting_first_post:
            self.followups.expect((community.id, platform, member.id))
        newcomer = Newcomer(member.id, member.display_name)
        # the platform's own count when it gives one; else the members the bot has seen arrive
        member_count = event.member_count or outcome.member_count
        actions: list[Action] = []
        if self.raids is not None:
            window = timedelta(seconds=settings.raid_seconds)
            verdict = self.raids.observe((community.id, platform), event.at, newcomer, settings.raid_joins, window)
            if verdict.alert:
                actions.extend(self._alert(community, platform, verdict.recent_joins))
            if verdict.batched:
                return actions
        space = community.space(platform)
        channel = space.channels.welcome if space is not None else None
        if channel is not None:
            text = welcome_text(community, platform, newcomer, member_count, self.catalogue)
            actions.append(Post(channel_id=channel, content=Content(text=text)))
        if settings.dm:
            text = onboarding_text(community, platform, newcomer, member_count, self.catalogue)
            actions.append(DirectMessage(member_id=member.id, content=Content(text=text), fallback_channel_id=channel))
        return actions

    def _alert(self, community: Community, platform: str, joins: int) -> list[Action]:
        """The CM's one join-spike alert, unless moderation watches joins: then its raid alert is the one."""
        space = community.space(platform)
        channel = space.channels.moderation if space is not None else None
        if channel is None or community.moderation.enabled:
            return []
        text = self.catalogue.text(
            community.locale,
            "welcome.raid_alert",
            platform=platform.capitalize(),
            count=joins,
            seconds=community.welcome.raid_seconds,
        )
        return [Post(channel_id=channel, content=Content(text=text))]

    async def on_leave(self, event: MemberLeft, community: Community) -> Sequence[Action]:
        """The roster line of a departure, written with the store's next trip (`Store.later`): nothing waits
        for it, and whatever reads the roster afterwards goes through a trip, which writes it first."""
        member = event.member
        at = event.at.astimezone(UTC)
        platform = str(event.platform)
        self.store.later(lambda db: record_leave(db, community.id, platform, member.id, member.display_name, at))
        return []

    async def post_batch(self, key: BurstKey, held: list[Newcomer]) -> None:
        """The join-rate watch's flush (a clock job): one welcome for every newcomer held during the burst."""
        community = self.directory.by_id(key[0])
        platform = key[1]
        space = community.space(platform)
        channel = space.channels.welcome if space is not None else None
        if channel is None:
            return
        count = await self.store.run(lambda db: present_count(db, community.id, platform))
        text = batch_text(community, platform, held, count, self.catalogue)
        await self.outbox.send(PlatformName(platform), Post(channel_id=channel, content=Content(text=text)))
