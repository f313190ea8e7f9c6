"""The periodic digest of observations, one per community and platform, at local hours that are multiples of
`moderation.observations.digest_hours` (midnight for the daily default); looked at every hour and at start.

Each period is claimed in the store (`pending`) when it ends, marked `sending` just before its post (with the
period's key, which the platform keeps with the post) and `posted` after the platform took it. A platform that
is not running leaves it `pending`; a post the platform refused for good puts it back to `pending`; a failure
that may have posted it anyway (a timeout), or a crash between the post and its mark, leaves it `sending`, and
the next wake-up looks the post up by its key before posting: found, it is marked `posted`, never posted twice.
A period with no observation is marked `empty` and posts nothing. Examples only show excerpts the retention
period still keeps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger

from bot.actions import Content, FindPost, Post
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.platform import Capability
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import PLATFORM_KEYS, Community
from handlers.moderation import observations

log = logging.getLogger(__name__)
LOOKUP_MARGIN = timedelta(minutes=5)  # the platform's clock may run a little behind ours


def job_id(community_id: str) -> str:
    return f"moderation:observations:{community_id}"


class ObservationDigest:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 communities: Iterable[Community]) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.communities = [c for c in communities
                            if c.moderation.enabled and c.moderation.observations.delivery != "none"]
        self._lock = asyncio.Lock()  # the start's catch-up and a wake-up never sum the same period twice

    async def start(self, wakeups: Wakeups) -> None:
        for community in self.communities:
            # Every local hour: a period is claimed once its boundary has passed, and a digest the platform
            # refused is sent again within the hour.
            trigger = CronTrigger(minute=0, timezone=community.tz)
            wakeups.add(job_id(community.id), trigger, partial(self.run, community.id),
                        misfire_grace=timedelta(hours=1))
        await self.run()

    async def run(self, community_id: str | None = None) -> int:
        """Send every digest due (for one community, or all); returns how many were posted."""
        posted = 0
        async with self._lock:
            for community in self.communities:
                if community_id is None or community.id == community_id:
                    posted += await self._community(community)
        return posted

    async def _community(self, community: Community) -> int:
        settings = community.moderation.observations
        now = self.clock.now()
        end = observations.period_end(now, community.tz, settings.digest_hours)
        kept_since = now - timedelta(days=community.moderation.retention_days)
        posted = 0
        for key in PLATFORM_KEYS:
            platform = PlatformName(key)
            channel = observations.digest_channel(community, platform)
            if channel is None or not self.outbox.has(platform):
                continue  # a platform not running keeps its periods for when it is
            periods = await self.store.run(partial(observations.claim_periods, community=community.id,
                                                   platform=key, end=end, hours=settings.digest_hours))
            for period in periods:
                summary = await self.store.run(partial(observations.summarise, period=period,
                                                       examples=settings.examples, kept_since=kept_since))
                if not summary.count:
                    await self.store.run(partial(observations.finish_period, period=period,
                                                 status=observations.EMPTY, at=now))
                    continue
                content = observations.digest_content(summary, period, self.catalogue, community.locale,
                                                      community.tz)
                if period.attempted_at is not None:
                    settled = await self._settle(platform, channel, period, content)
                    if settled is None:
                        break  # not known yet whether it was posted: asked again at the next wake-up
                    if settled:
                        posted += 1
                        continue
                await self.store.run(partial(observations.mark_sending, period=period, at=now))
                result = await self.outbox.send(platform, Post(channel_id=channel, content=content,
                                                               idempotency_key=period.key))
                if not result.ok:
                    if result.permanent:
                        await self.store.run(partial(observations.release_period, period=period))
                    log.warning("observations of %s on %s until %s: digest not posted (%s); retried at the next"
                                " wake-up", community.id, key, period.end.isoformat(), result.error)
                    break  # the later periods wait behind this one, in order
                await self.store.run(partial(observations.finish_period, period=period, status=observations.POSTED,
                                             at=now, channel_id=result.channel_id or channel,
                                             message_id=result.message_id))
                posted += 1
        return posted

    async def _settle(self, platform: PlatformName, channel: str, period: observations.Period,
                      content: Content) -> bool | None:
        """A period left `sending`: True when its post is found on the platform (and now marked `posted`), False
        when it is surely not there (post it), None when the platform cannot tell yet. A platform that cannot
        look posts up gets the digest again: a digest twice is better than none."""
        assert period.attempted_at is not None
        if not self.outbox.can(platform, Capability.MESSAGE_LOOKUP):
            return False
        found = await self.outbox.send(platform, FindPost(channel_id=channel, idempotency_key=period.key,
                                                          since=period.attempted_at - LOOKUP_MARGIN, content=content))
        if found.ok:
            await self.store.run(partial(observations.finish_period, period=period, status=observations.POSTED,
                                         at=self.clock.now(), channel_id=found.channel_id or channel,
                                         message_id=found.message_id))
            return True
        if found.permanent:
            return False
        log.warning("observations of %s on %s until %s: cannot tell yet whether the digest was posted (%s)",
                    period.community, period.platform, period.end.isoformat(), found.error)
        return None
