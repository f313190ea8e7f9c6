"""The nightly purge of moderation excerpts older than each community's `moderation.retention_days`.

A flag keeps its decision, its rules and its dates for the statistics; only the member's words go. The job runs
at 03:17 UTC, and once at start: a bot that was down at that hour still honours the retention.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.moderation.flags import purge_excerpts

log = logging.getLogger(__name__)
JOB_ID = "moderation:purge-excerpts"


class ExcerptPurge:
    def __init__(self, store: Store, clock: Clock, communities: Iterable[Community]) -> None:
        self.store = store
        self.clock = clock
        self.communities = list(communities)

    async def start(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(hour=3, minute=17, timezone="UTC"), self.run, misfire_grace=timedelta(hours=12))
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
        return total
