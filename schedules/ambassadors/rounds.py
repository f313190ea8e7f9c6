"""The weekly card of ambassador candidates, exactly once per community and week.

At the configured day and time (and at start, or at the next catch-up, if that time passed while the bot was
down), the round of the last complete week is claimed in the ledger, its candidates are chosen and stored in one
transaction, then one card per candidate is posted to the strategy channel of each platform and each card's
message id is stored, so a decision edits every copy. A crash in between resumes where it stopped: a claimed
round without candidates chooses them, a round with candidates posts the cards not posted yet; a round already
posted never posts again. The same run expires candidates nobody decided on and applies the retention period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import Post
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import PLATFORM_KEYS, Community
from handlers.ambassadors import records
from handlers.ambassadors.appointing import Appointments
from handlers.ambassadors.cards import candidate_card, display_names, first_week_of
from schedules.ambassadors.selection import choose
from schedules.report.weeks import IsoWeek

log = logging.getLogger(__name__)
CATCH_UP_EVERY = timedelta(hours=1)
LATE_AFTER = timedelta(hours=6)


def weekly_trigger(community: Community) -> CronTrigger:
    settings = community.ambassadors
    hour, minute = (int(part) for part in settings.time.split(":"))
    return CronTrigger(day_of_week=settings.day, hour=hour, minute=minute, timezone=community.timezone)


def due_time(community: Community, week: IsoWeek) -> datetime:
    """When the card of the round named after `week` is due: the first card time after the week's end."""
    _, end = week.bounds(community.tz)
    fire = weekly_trigger(community).get_next_fire_time(None, end)
    assert fire is not None
    return fire.astimezone(UTC)


def strategy_channels(community: Community) -> list[tuple[str, str]]:
    pairs = []
    for platform in PLATFORM_KEYS:
        space = community.space(platform)
        if space is not None and space.channels.strategy:
            pairs.append((platform, space.channels.strategy))
    return pairs


class CandidateRounds:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 communities: list[Community], appointments: Appointments,
                 flush: Callable[[], Awaitable[None]] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.communities = [c for c in communities if c.ambassadors.enabled]
        self.appointments = appointments
        self.flush = flush  # buffered engagement rows are written before the signals are read
        self._lock = asyncio.Lock()

    def register(self, wakeups: Wakeups) -> None:
        for community in self.communities:
            wakeups.add(f"ambassadors:round:{community.id}", weekly_trigger(community), self._fire(community),
                        misfire_grace=LATE_AFTER)
        if self.communities:
            wakeups.add("ambassadors:catch-up", IntervalTrigger(seconds=int(CATCH_UP_EVERY.total_seconds())),
                        self.catch_up, misfire_grace=CATCH_UP_EVERY)

    def _fire(self, community: Community) -> Callable[[], Awaitable[None]]:
        async def fire() -> None:
            await self.run(community)

        return fire

    async def catch_up(self) -> None:
        """The round whose time passed while the bot was down (or a round a crash left half done)."""
        now = self.clock.now()
        for community in self.communities:
            week = IsoWeek.last_complete(now, community.tz)
            if now >= due_time(community, week):
                await self.run(community)

    async def run(self, community: Community) -> None:
        async with self._lock:
            now = self.clock.now()
            await self._upkeep(community, now)
            week = str(IsoWeek.last_complete(now, community.tz))
            await self.store.run(lambda db: records.claim_round(db, community.id, week, now))
            status = await self.store.run(lambda db: records.round_status(db, community.id, week))
            if status == "posted":
                return
            if status == "selecting":
                if self.flush is not None:
                    await self.flush()
                chosen_week, picks = await self.store.run(lambda db: choose(db, community, now))
                await self.store.run(lambda db: records.add_candidates(db, community.id, chosen_week, picks, now))
                log.info("%s: %d ambassador candidates for %s", community.id, len(picks), week)
            await self._post_cards(community, week)
            await self.store.run(lambda db: records.finish_round(db, community.id, week))

    async def _post_cards(self, community: Community, week: str) -> None:
        candidates = await self.store.run(lambda db: records.round_candidates(db, community.id, week))
        channels = [(p, c) for p, c in strategy_channels(community) if self.outbox.has(PlatformName(p))]
        if candidates and not channels:
            log.warning("%s: no strategy channel on a running platform: ambassador candidates not posted",
                        community.id)
            return
        if not candidates:
            return  # a quiet week: no card rather than an empty one every Monday
        names = await self.store.run(lambda db: display_names(db, community.id, [c.account for c in candidates]))
        for candidate in candidates:
            if candidate.status != records.PROPOSED:
                continue
            posted = {p for p, _, _ in await self.store.run(partial(records.cards_of, candidate_id=candidate.id))}
            content = candidate_card(candidate, names[candidate.account], community, self.catalogue,
                                     first_week_of(candidate, community))
            for platform, channel in channels:
                if platform in posted:
                    continue
                result = await self.outbox.send(PlatformName(platform), Post(
                    channel_id=channel, content=content, idempotency_key=f"amb:{candidate.id}:{platform}"))
                if result.ok and result.message_id:
                    await self.store.run(partial(records.record_card, candidate_id=candidate.id, platform=platform,
                                                 channel_id=result.channel_id or channel,
                                                 message_id=result.message_id))

    async def _upkeep(self, community: Community, now: datetime) -> None:
        """Expire candidates nobody decided on (their cards say so), and erase records past retention."""
        settings = community.ambassadors
        expired = await self.store.run(lambda db: records.expire_stale(
            db, community.id, now - timedelta(weeks=settings.expire_weeks), now))
        for candidate_id in expired:
            candidate = await self.store.run(partial(records.get_candidate, candidate_id=candidate_id))
            if candidate is not None:
                await self.appointments.close_cards(candidate, community)
        gone = await self.store.run(lambda db: records.purge(
            db, community.id, now - timedelta(days=settings.record_retention_days)))
        if gone:
            log.info("%s: %d ambassador records past retention erased", community.id, gone)
