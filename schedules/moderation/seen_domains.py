"""Keeping the spam rule's memory of linked domains in the store: loaded at start, written every minute and at
shutdown, forgotten after each community's `moderation.spam.seen_domains_days` by a nightly job.

Writing in batches keeps the store off the message path: a message with a link only touches memory. A crash
loses at most the last minute of newly seen domains, which only means those domains count as new once more.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.moderation import seen_domains
from handlers.moderation.seen_domains import SeenDomainsBook

log = logging.getLogger(__name__)
FLUSH_JOB = "moderation:seen-domains-flush"
PURGE_JOB = "moderation:seen-domains-purge"
FLUSH_EVERY = timedelta(minutes=1)


class SeenDomainsKeeper:
    def __init__(self, store: Store, clock: Clock, communities: Iterable[Community], book: SeenDomainsBook) -> None:
        self.store = store
        self.clock = clock
        self.communities = list(communities)
        self.book = book

    async def start(self, wakeups: Wakeups) -> None:
        await self.load()
        await self.purge()  # catch up at start, like the excerpt purge
        every = int(FLUSH_EVERY.total_seconds())
        start = self.clock.now() + FLUSH_EVERY  # the simulated clock in tests, the real one in production
        wakeups.add(FLUSH_JOB, IntervalTrigger(seconds=every, start_date=start), self.flush, misfire_grace=FLUSH_EVERY)
        wakeups.add(
            PURGE_JOB, CronTrigger(hour=3, minute=23, timezone="UTC"), self.purge, misfire_grace=timedelta(hours=12)
        )

    async def load(self) -> None:
        for community in self.communities:
            stored = await self.store.run(partial(seen_domains.load, community=community.id))
            self.book.of(community.id).merge(stored)

    async def flush(self) -> int:
        """Write every community's newly seen domains; what fails to write waits for the next flush."""
        written = 0
        for community in self.book.communities():
            memory = self.book.of(community)
            pending = memory.take_pending()
            if not pending:
                continue
            try:
                written += await self.store.run(partial(seen_domains.remember, community=community, seen=pending))
            except Exception:
                for domain, day in pending.items():  # keep them for the next try, newest day wins
                    memory.pending[domain] = max(day, memory.pending.get(domain, day))
                raise
        return written

    async def purge(self) -> int:
        await self.flush()
        now = self.clock.now()
        total = 0
        for community in self.communities:
            before = seen_domains.cutoff(now, community.moderation.spam.seen_domains_days)
            removed = await self.store.run(partial(seen_domains.forget_older, community=community.id, before=before))
            self.book.of(community.id).forget_before(before)
            if removed:
                log.info("moderation: forgot %d domain(s) of %s not linked since %s", removed, community.id, before)
            total += removed
        return total
