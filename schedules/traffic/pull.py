"""The daily pull: each community with a connector gets its last days of traffic from Plausible or Matomo.

Every run asks for the `pull_days` days before today (local time; today is not over, so never pulled) and
replaces those days in the store: analytics tools settle late visits for a day or two, and a pull that failed
yesterday is caught up today. A refused token, a rate limit that outlasts the retries or a server that keeps
failing is logged with the tool's own explanation and leaves the stored days as they were.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.traffic.community import community_sources
from handlers.traffic.exports import VisitRow
from handlers.traffic.visits import Load, replace_days

if TYPE_CHECKING:  # aiohttp and the connectors are imported when a pull runs, not with the bot
    import aiohttp

    from schedules.traffic.http import PullError, Sleep

log = logging.getLogger(__name__)


def connector_of(community: Community) -> str | None:
    traffic = community.traffic
    return "plausible" if traffic.plausible else ("matomo" if traffic.matomo else None)


def token_env_of(community: Community) -> str | None:
    traffic = community.traffic
    chosen = traffic.plausible or traffic.matomo
    return chosen.token_env if chosen else None


@dataclass(frozen=True)
class PullOutcome:
    community: str
    connector: str
    load: Load | None = None
    error: PullError | None = None


def pull_span(community: Community, now: datetime, days: int) -> tuple[date, date]:
    today = now.astimezone(community.tz).date()
    return today - timedelta(days=days), today - timedelta(days=1)


async def fetch_rows(session: aiohttp.ClientSession, community: Community, token: str, first: date, last: date,
                     sleep: Sleep) -> list[VisitRow]:
    from schedules.traffic.matomo import pull_matomo
    from schedules.traffic.plausible import pull_plausible

    traffic = community.traffic
    if traffic.plausible is not None:
        return await pull_plausible(session, traffic.plausible, token, first, last, sleep)
    assert traffic.matomo is not None
    return await pull_matomo(session, traffic.matomo, token, first, last, community_sources(community), sleep)


class TrafficPullJob:
    def __init__(self, store: Store, clock: Clock, communities: Iterable[Community],
                 environ: Mapping[str, str] | None = None, sleep: Sleep = asyncio.sleep,
                 session_factory: Callable[[], aiohttp.ClientSession] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.communities = [c for c in communities if connector_of(c) is not None]
        self.environ = environ if environ is not None else os.environ
        self.sleep = sleep
        self.session_factory = session_factory

    def register(self, wakeups: Wakeups) -> None:
        for community in self.communities:
            hour, minute = (int(part) for part in community.traffic.pull_time.split(":"))
            wakeups.add(f"traffic:pull:{community.id}",
                        CronTrigger(hour=hour, minute=minute, timezone=community.timezone),
                        self._daily(community), misfire_grace=timedelta(hours=12))

    def _daily(self, community: Community) -> Callable[[], Awaitable[None]]:
        """A coroutine function (APScheduler runs anything else on a thread, where a coroutine is never awaited)."""

        async def pull() -> None:
            await self.pull(community)

        return pull

    async def pull(self, community: Community, days: int | None = None) -> PullOutcome:
        from schedules.traffic.http import PullError

        connector = connector_of(community) or "none"
        token_env = token_env_of(community)
        token = self.environ.get(token_env or "", "")
        if not token:
            error = PullError("auth", f"no {connector} token: set the environment variable {token_env}", "no_token",
                              service=connector.title(), variable=token_env or "")
            log.warning("traffic pull of %s skipped: %s", community.id, error)
            return PullOutcome(community.id, connector, error=error)
        now = self.clock.now()
        first, last = pull_span(community, now, days or community.traffic.pull_days)
        try:
            async with (self.session_factory or _client_session)() as session:
                rows = await fetch_rows(session, community, token, first, last, self.sleep)
        except PullError as error:
            level = logging.ERROR if error.permanent else logging.WARNING
            log.log(level, "traffic pull of %s from %s failed (%s): %s; stored days unchanged", community.id,
                    connector, error.kind, error)
            return PullOutcome(community.id, connector, error=error)
        load = await self.store.run(lambda db: replace_days(db, community.id, rows, connector, "api", now,
                                                            first, last))
        log.info("traffic pull of %s from %s: %d rows for %s to %s", community.id, connector, load.rows, first, last)
        return PullOutcome(community.id, connector, load=load)

    async def run(self) -> list[PullOutcome]:
        return [await self.pull(community) for community in self.communities]


def _client_session() -> aiohttp.ClientSession:
    import aiohttp

    return aiohttp.ClientSession()
