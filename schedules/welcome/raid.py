"""Join-rate watch: past `raid_joins` joins within `raid_seconds`, welcomes are batched and the CM is alerted once.

A raid (or a big launch) can bring hundreds of joins a minute; one welcome each would flood the channel, hit
rate limits and ping raid accounts one by one. So per community and platform we keep the recent join instants;
when the rate crosses the threshold, the join that crossed it and every later one are held, the moderation
channel gets one alert (the moderation feature's raid alert when moderation is on, ours otherwise, so the CM
reads one alert per burst, not two), and a clock job posts the held newcomers as one welcome every
`raid_seconds`. The burst ends at a flush that finds fewer joins than the threshold in the last window; later
joins are welcomed one by one again, and a new burst brings a new alert. State is in memory: held newcomers are
posted at shutdown.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.wakeups import Wakeups
from handlers.welcome.bursts import BurstKey, Verdict
from handlers.welcome.templates import Newcomer

Flush = Callable[[BurstKey, list[Newcomer]], Awaitable[None]]


@dataclass
class _Burst:
    joins: deque[datetime] = field(default_factory=deque)
    raiding: bool = False
    held: list[Newcomer] = field(default_factory=list)


class RaidWatch:
    def __init__(self, clock: Clock, wakeups: Wakeups, flush: Flush) -> None:
        self.clock = clock
        self.wakeups = wakeups
        self.flush = flush
        self._bursts: dict[BurstKey, _Burst] = {}
        self._limits: dict[BurstKey, tuple[int, timedelta]] = {}

    def observe(self, key: BurstKey, at: datetime, newcomer: Newcomer, threshold: int, window: timedelta) -> Verdict:
        """Count one genuine join (replays are filtered before) and say whether to hold its welcome."""
        burst = self._bursts.setdefault(key, _Burst())
        self._limits[key] = (threshold, window)
        burst.joins.append(at)
        _prune(burst.joins, at - window)
        alert = False
        if not burst.raiding and len(burst.joins) >= threshold:
            burst.raiding = True
            alert = True
            self._schedule(key, window)
        if burst.raiding:
            burst.held.append(newcomer)
        return Verdict(batched=burst.raiding, alert=alert, recent_joins=len(burst.joins))

    def _schedule(self, key: BurstKey, window: timedelta) -> None:
        run_at = self.clock.now() + window
        self.wakeups.add(
            _job_id(key), DateTrigger(run_date=run_at), lambda: self.flush_due(key), misfire_grace=window
        )

    async def flush_due(self, key: BurstKey) -> None:
        """The clock job: post what is held; keep batching while the rate stays at the threshold or above."""
        burst = self._bursts.get(key)
        if burst is None:
            return
        held, burst.held = burst.held, []
        threshold, window = self._limits[key]
        _prune(burst.joins, self.clock.now() - window)
        if len(burst.joins) >= threshold:
            self._schedule(key, window)
        else:
            burst.raiding = False
            self.wakeups.remove(_job_id(key))
        if held:
            await self.flush(key, held)

    async def flush_all(self) -> None:
        """At shutdown: nobody held is left without a welcome."""
        for key, burst in list(self._bursts.items()):
            held, burst.held = burst.held, []
            burst.raiding = False
            self.wakeups.remove(_job_id(key))
            if held:
                await self.flush(key, held)


def _prune(joins: deque[datetime], since: datetime) -> None:
    while joins and joins[0] <= since:
        joins.popleft()


def _job_id(key: BurstKey) -> str:
    return f"welcome:raid:{key[0]}:{key[1]}"
