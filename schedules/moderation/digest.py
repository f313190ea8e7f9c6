"""The periodic digest of observations, one per community and platform, at local hours that are multiples of
`moderation.observations.digest_hours` (midnight for the daily default); looked at every hour and at start.

Each period is claimed in the store (`pending`) before its post and marked `posted` after the platform took it,
so a post the platform refused or a platform that is not running leaves it `pending`, sent at the next wake-up;
a period with no observation is marked `empty` and posts nothing. Examples only show excerpts the retention
period still keeps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger

from bot.actions import Post
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import PLATFORM_KEYS, Community
from handlers.moderation import observations

log = logging.getLogger(__name__)


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
                result = await self.outbox.send(platform, Post(channel_id=channel, content=content))
                if not result.ok:
                    log.warning("observations of %s on %s until %s: digest not posted (%s); retried at the next"
                                " wake-up", community.id, key, period.end.isoformat(), result.error)
                    break  # the later periods wait behind this one, in order
                await self.store.run(partial(observations.finish_period, period=period, status=observations.POSTED,
                                             at=now, channel_id=result.channel_id or channel,
                                             message_id=result.message_id))
                posted += 1
        return posted
