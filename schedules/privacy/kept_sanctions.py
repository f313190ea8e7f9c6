"""The nightly erasure of sanctions kept, stripped, for a forgotten member (`privacy.keep_sanctions_days`).

Forget-me keeps a sanction's bare record for a while, so a banned member cannot wash their record by asking;
once that period is over, this job erases it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from handlers.privacy.forget import purge_kept_sanctions

log = logging.getLogger(__name__)
JOB_ID = "privacy:kept-sanctions"


class KeptSanctionsPurge:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def register(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(hour=3, minute=41, timezone="UTC"), self.run, misfire_grace=timedelta(hours=12))

    async def run(self) -> int:
        now = self.clock.now()
        gone = await self.store.run(lambda db: purge_kept_sanctions(db, now))
        if gone:
            log.info("privacy: erased %d sanctions of forgotten members, their keeping period over", gone)
        return gone
