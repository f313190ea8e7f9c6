"""How long each member's vote is kept: `polls.vote_retention_days` after the poll ended, then erased.

The results stay, as each message's final counts, which name nobody. Runs once a day and at start.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.store import Store
from bot.wakeups import Wakeups
from handlers.polls import polls as ledger

log = logging.getLogger(__name__)
JOB = "polls:retention"
EVERY = timedelta(days=1)


class VoteRetention:
    def __init__(self, store: Store, clock: Clock, directory: CommunityDirectory) -> None:
        self.store = store
        self.clock = clock
        self.directory = directory

    async def purge(self) -> int:
        erased = 0
        for community in self.directory:
            before = self.clock.now() - community.polls.vote_retention
            erased += await self.store.run(partial(ledger.purge_votes, community=community.id, closed_before=before))
        if erased:
            log.info("erased %d poll votes past their retention period", erased)
        return erased

    def register(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB, IntervalTrigger(seconds=int(EVERY.total_seconds()), start_date=self.clock.now() + EVERY),
                    self._run, misfire_grace=EVERY)

    async def _run(self) -> None:
        await self.purge()
