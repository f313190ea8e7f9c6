"""The nightly purge of moderation excerpts older than each community's `moderation.retention_days`, and the
redrawing of what showed them on the platform.

A flag keeps its decision, its rules and its dates for the statistics; only the member's words go. The job runs
at 03:17 UTC, and once at start: a bot that was down at that hour still honours the retention.

The words were also posted: in the flag's card in the moderation channel, and as examples in an observations
digest. Those messages are redrawn without them (the card says the excerpt was erased, and when), each once,
marked in the store; a message the platform cannot reach for now is tried again at the next hourly sweep, one the
platform says is gone is not. A sweep edits at most `SWEEP_LIMIT` messages per community, so a long backlog (a
first start after an upgrade) drains over a few hours instead of flooding the platform's rate limits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import EditMessage
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.moderation import observations
from handlers.moderation.flags import cards_to_redact, mark_card_redacted, purge_excerpts
from handlers.moderation.queue import Queue

log = logging.getLogger(__name__)
JOB_ID = "moderation:purge-excerpts"
SWEEP_ID = "moderation:redact-posted"
SWEEP_EVERY = timedelta(hours=1)
SWEEP_LIMIT = 100  # messages edited per community and sweep


class ExcerptPurge:
    def __init__(self, store: Store, clock: Clock, communities: Iterable[Community], outbox: Outbox, queue: Queue,
                 catalogue: Catalogue) -> None:
        self.store = store
        self.clock = clock
        self.communities = list(communities)
        self.outbox = outbox
        self.queue = queue
        self.catalogue = catalogue

    async def start(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(hour=3, minute=17, timezone="UTC"), self.run, misfire_grace=timedelta(hours=12))
        first = self.clock.now() + SWEEP_EVERY  # the bot's clock (simulated on the console)
        wakeups.add(SWEEP_ID, IntervalTrigger(seconds=int(SWEEP_EVERY.total_seconds()), start_date=first),
                    self.redact, misfire_grace=SWEEP_EVERY)
        await self.run()  # catch up at start

    async def run(self) -> int:
        now = self.clock.now()
        total = 0
        for community in self.communities:
            before = now - timedelta(days=community.moderation.retention_days)
            cleared = await self.store.run(partial(purge_excerpts, community=community.id, before=before))
            if cleared:
                log.info("moderation: cleared %d excerpt(s) of %s older than %s", cleared, community.id, before)
            total += cleared
        await self.redact()
        return total

    async def redact(self) -> int:
        """Redraw the cards and digests that still show erased excerpts; returns how many were redrawn."""
        redrawn = 0
        for community in self.communities:
            redrawn += await self._cards(community) + await self._digests(community)
        return redrawn

    async def _cards(self, community: Community) -> int:
        days = community.moderation.retention_days
        before = self.clock.now() - timedelta(days=days)
        redrawn = 0
        for flag_id in await self.store.run(partial(cards_to_redact, community=community.id, before=before,
                                                    limit=SWEEP_LIMIT)):
            found = await self.queue.redacted_card(flag_id, community, days)
            if found is not None:
                platform, edit = found
                if not self.outbox.has(PlatformName(platform)):
                    continue  # that platform is not running here: its cards wait for a bot that runs it
                result = await self.outbox.send(PlatformName(platform), edit)
                if not result.ok and not result.permanent:
                    log.info("moderation: the card of flag %s could not be redrawn yet (%s)", flag_id, result.error)
                    continue
                redrawn += int(result.ok)
            await self.store.run(partial(mark_card_redacted, flag_id=flag_id, at=self.clock.now()))
        return redrawn

    async def _digests(self, community: Community) -> int:
        settings = community.moderation.observations
        before = self.clock.now() - timedelta(days=community.moderation.retention_days)
        redrawn = 0
        for posted in await self.store.run(partial(observations.digests_to_redact, community=community.id,
                                                   before=before, limit=SWEEP_LIMIT)):
            platform = PlatformName(posted.period.platform)
            if not self.outbox.has(platform):
                continue
            summary = await self.store.run(partial(observations.summarise, period=posted.period,
                                                   examples=settings.examples, kept_since=before))
            content = observations.digest_content(summary, posted.period, self.catalogue, community.locale,
                                                  community.tz)
            result = await self.outbox.send(platform, EditMessage(channel_id=posted.channel_id,
                                                                  message_id=posted.message_id, content=content))
            if not result.ok and not result.permanent:
                continue
            redrawn += int(result.ok)
            await self.store.run(partial(observations.mark_digest_redacted, period=posted.period,
                                         at=self.clock.now()))
        return redrawn
