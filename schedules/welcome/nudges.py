"""The follow-up nudge: one friendly message to a newcomer who has not posted N days after joining.

An hourly clock job nudges the follow-ups that fell due, marking each as nudged *before* sending, so a crash or
a restart can never nudge the same member twice. The follow-ups are opened and closed by the welcome handlers
(`handlers.welcome.followup`, the owner of the follow-up table); this job claims the due ones through it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.actions import Action, Content, DirectMessage, Post
from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.welcome.followup import DueNudge, FollowUps, claim_due
from handlers.welcome.templates import Newcomer, followup_text

log = logging.getLogger(__name__)
JOB_ID = "welcome:followup"


class Nudges:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 directory: CommunityDirectory, followups: FollowUps) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.directory = directory
        self.followups = followups

    def schedule(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(minute=0, timezone="UTC"), self.run_due, misfire_grace=timedelta(hours=1))

    async def run_due(self) -> int:
        """Nudge every member whose follow-up fell due; returns how many were nudged."""
        enabled = [c.id for c in self.directory if c.welcome.enabled and c.welcome.followup]
        if not enabled:
            return 0
        now = self.clock.now()
        due = await self.store.run(lambda db: claim_due(db, enabled, now))
        for nudge in due:
            self.followups.forget((nudge.community, nudge.platform, nudge.member_id))
            community = self.directory.by_id(nudge.community)
            action = nudge_action(community, nudge, self.catalogue)
            if action is None:
                log.warning("no onboarding or welcome channel on %s for %s: nudge skipped", nudge.platform,
                            nudge.community)
                continue
            await self.outbox.send(PlatformName(nudge.platform), action)
        return len(due)


def nudge_action(community: Community, nudge: DueNudge, catalogue: Catalogue) -> Action | None:
    space = community.space(nudge.platform)
    channel = (space.channels.onboarding or space.channels.welcome) if space is not None else None
    text = followup_text(community, Newcomer(nudge.member_id, nudge.display_name), catalogue)
    if community.welcome.followup_via == "dm":
        return DirectMessage(member_id=nudge.member_id, content=Content(text=text), fallback_channel_id=channel)
    if channel is None:
        return None
    return Post(channel_id=channel, content=Content(text=text))
