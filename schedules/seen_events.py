"""The nightly purge of event ids past the window in which a platform may deliver an event again.

It runs once at start (a bot that was down at night still purges) and every night at 03:41 UTC; the table's
owner (`bot.seen_events`) says how long ids are kept and deletes them in short batches.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger

from bot import seen_events
from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups

log = logging.getLogger(__name__)
PURGE_JOB = "core:purge-seen-events"


def install_seen_events_purge(store: Store, clock: Clock, wakeups: Wakeups):
    """The start hook that schedules the purge (and runs it once)."""

    async def purge() -> None:
        removed = await store.run(lambda db: seen_events.purge(db, clock.now()))
        if removed:
            log.info("forgot %d handled event id(s) older than %s", removed, seen_events.KEPT)

    async def schedule() -> None:
        wakeups.add(PURGE_JOB, CronTrigger(hour=3, minute=41, timezone="UTC"), purge, misfire_grace=timedelta(hours=12))
        await purge()

    return schedule
