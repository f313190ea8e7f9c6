"""What the welcome feature forgets on its own, every night.

The welcome ledger only has to outlive replays (a platform re-delivers a join within days, not months), so its
rows go after `LEDGER_DAYS`. Follow-up rows and members who left go with the community's engagement retention:
after that long nobody needs to know when someone joined or left. A member who opted out keeps their bare row,
or they would be counted again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

import sqlite_utils
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community

log = logging.getLogger(__name__)
LEDGER_DAYS = 90
JOB_ID = "welcome:retention"


def purge(db: sqlite_utils.Database, community: Community, now: datetime) -> dict[str, int]:
    ledger_cutoff = (now - timedelta(days=LEDGER_DAYS)).isoformat()
    member_cutoff = (now - timedelta(days=community.privacy.engagement_retention_days)).isoformat()
    with db.atomic():
        counts = {
            "welcome_welcomes": db.execute(
                "DELETE FROM welcome_welcomes WHERE community = ? AND welcomed_at < ?", [community.id, ledger_cutoff]
            ).rowcount,
            "welcome_followups": db.execute(
                "DELETE FROM welcome_followups WHERE community = ? AND joined_at < ?", [community.id, member_cutoff]
            ).rowcount,
            "members": db.execute(
                "DELETE FROM members WHERE community = ? AND left_at < ? AND coalesce(opted_out, 0) = 0",
                [community.id, member_cutoff],
            ).rowcount,
        }
    return counts


class WelcomeRetention:
    def __init__(self, store: Store, clock: Clock, communities: Iterable[Community]) -> None:
        self.store = store
        self.clock = clock
        self.communities = list(communities)

    def register(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(hour=3, minute=41, timezone="UTC"), self.run, misfire_grace=timedelta(hours=6))

    async def run(self) -> int:
        now = self.clock.now()
        total = 0
        for community in self.communities:
            counts = await self.store.run(partial(purge, community=community, now=now))
            if any(counts.values()):
                log.info("welcome retention for %s: %s", community.id, counts)
            total += sum(counts.values())
        return total
