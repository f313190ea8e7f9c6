"""The weekly job: post the last complete week's report to each platform's strategy channel, once.

Idempotent per (community, platform, ISO week): the `report_runs` ledger is claimed (`sending`) before anything
is posted and marked `posted` after, so a restart, a second wake-up or the hourly catch-up never posts a week
twice. A post interrupted by a crash stays `sending` and is not retried automatically (we prefer a missing
report to a duplicate; `cmbot report` can still print it). A failed post is retried by the next catch-up.
A week whose posting time passed while the bot was down is posted by the catch-up, once, marked late.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import sqlite_utils
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import Content, Post
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.engagement.migrations import EVENTS, REPORT_RUNS
from schedules.report.builder import WeeklyReport, build_report
from schedules.report.chart import render_chart
from schedules.report.render import report_cards
from schedules.report.weeks import IsoWeek

log = logging.getLogger(__name__)
LATE_AFTER = timedelta(minutes=30)
CATCH_UP_EVERY = timedelta(hours=1)
Flush = Callable[[], Awaitable[None]]


def weekly_trigger(community: Community) -> CronTrigger:
    settings = community.report
    hour, minute = (int(part) for part in settings.time.split(":"))
    return CronTrigger(day_of_week=settings.day, hour=hour, minute=minute,
                       timezone=settings.timezone or community.timezone)


def due_time(community: Community, week: IsoWeek) -> datetime:
    """When the report of `week` is due: the first posting time at or after the week's end."""
    _, end = week.bounds(community.tz)
    fire = weekly_trigger(community).get_next_fire_time(None, end)
    assert fire is not None
    return fire.astimezone(UTC)


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def claim(db: sqlite_utils.Database, community: str, platform: str, week: str, late: bool, now: datetime) -> bool:
    """Take the (community, platform, week) run: a new one, or one whose post failed. False when taken."""
    with db.atomic():
        inserted = db.execute(
            f"INSERT OR IGNORE INTO {REPORT_RUNS} (community, platform, week, status, late, started_at)"
            " VALUES (?, ?, ?, 'sending', ?, ?)",
            [community, platform, week, int(late), _stamp(now)],
        ).rowcount
        if inserted:
            return True
        return bool(db.execute(
            f"UPDATE {REPORT_RUNS} SET status = 'sending', late = ?, started_at = ?, error = NULL"
            " WHERE community = ? AND platform = ? AND week = ? AND status = 'failed'",
            [int(late), _stamp(now), community, platform, week],
        ).rowcount)


def finish(db: sqlite_utils.Database, community: str, platform: str, week: str, ok: bool, message_id: str | None,
           error: str | None, now: datetime) -> None:
    with db.atomic():
        db.execute(
            f"UPDATE {REPORT_RUNS} SET status = ?, message_id = ?, error = ?, finished_at = ?"
            " WHERE community = ? AND platform = ? AND week = ?",
            ["posted" if ok else "failed", message_id, error, _stamp(now), community, platform, week],
        )


def parts_progress(db: sqlite_utils.Database, community: str, platform: str, week: str) -> tuple[int, str | None]:
    """How many cards of this run are already posted, and the first one's message id."""
    row = db.execute(
        f"SELECT parts_sent, first_message_id FROM {REPORT_RUNS} WHERE community = ? AND platform = ? AND week = ?",
        [community, platform, week],
    ).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def part_sent(db: sqlite_utils.Database, community: str, platform: str, week: str, part: int,
              message_id: str | None) -> None:
    """Record card `part` as posted, right after the platform took it."""
    with db.atomic():
        db.execute(
            f"UPDATE {REPORT_RUNS} SET parts_sent = ?, first_message_id = coalesce(first_message_id, ?)"
            " WHERE community = ? AND platform = ? AND week = ?",
            [part + 1, message_id, community, platform, week],
        )


def run_status(db: sqlite_utils.Database, community: str, platform: str, week: str) -> str | None:
    row = db.execute(f"SELECT status FROM {REPORT_RUNS} WHERE community = ? AND platform = ? AND week = ?",
                     [community, platform, week]).fetchone()
    return row[0] if row else None


def _has_events(db: sqlite_utils.Database, community: Community, week: IsoWeek) -> bool:
    start, end = week.epoch_bounds(community.tz)
    row = db.execute(
        f"SELECT 1 FROM {EVENTS} WHERE community = ? AND kind IN ('message', 'reply', 'reaction', 'join')"
        " AND at >= ? AND at < ? LIMIT 1",
        [community.id, start, end],
    ).fetchone()
    return row is not None


def idempotency_key(community: str, platform: str, week: IsoWeek, part: int) -> str:
    return f"report:{community}:{platform}:{week}:{part}"


class ReportJob:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 communities: Iterable[Community], flush: Flush, chart_dir: Path) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.communities = [c for c in communities if c.report.enabled]
        self.flush = flush
        self.chart_dir = chart_dir

    def register(self, wakeups: Wakeups) -> None:
        for community in self.communities:
            wakeups.add(f"report:{community.id}", weekly_trigger(community), self._scheduled(community),
                        misfire_grace=LATE_AFTER)
        wakeups.add("report:catch-up", IntervalTrigger(seconds=int(CATCH_UP_EVERY.total_seconds())),
                    self.catch_up, misfire_grace=CATCH_UP_EVERY)

    def _scheduled(self, community: Community) -> Callable[[], Awaitable[None]]:
        async def fire() -> None:
            now = self.clock.now()
            week = IsoWeek.last_complete(now, community.tz)
            await self.post_week(community, week, late=now > due_time(community, week) + LATE_AFTER)

        return fire

    async def catch_up(self) -> None:
        """Post, marked late, a week whose posting time has passed with no report (the bot was down)."""
        now = self.clock.now()
        for community in self.communities:
            week = IsoWeek.last_complete(now, community.tz)
            due = due_time(community, week)
            if now >= due:
                await self.post_week(community, week, late=now > due + LATE_AFTER)

    def _targets(self, community: Community) -> list[tuple[str, str]]:
        targets = []
        for platform in PlatformName:
            space = community.space(platform.value)
            if space is not None and space.channels.strategy and self.outbox.has(platform):
                targets.append((platform.value, space.channels.strategy))
        return targets

    async def build(self, community: Community, week: IsoWeek, late: bool = False) -> tuple[WeeklyReport, str | None]:
        """The report and its chart file (None when charts are off or drawing failed)."""
        await self.flush()
        now = self.clock.now()
        report = await self.store.run(lambda db: build_report(db, community, week, now, late))
        chart: str | None = None
        if community.report.chart:
            path = self.chart_dir / f"{community.id}-{week}.png"
            try:
                chart = str(await asyncio.to_thread(render_chart, report, path, self.catalogue))
            except Exception:
                log.exception("could not draw the chart of %s %s; posting without it", community.id, week)
        return report, chart

    async def post_week(self, community: Community, week: IsoWeek, late: bool) -> int:
        """Post `week`'s report wherever it is not posted yet; returns how many platforms got it now.

        A week with no engagement at all (a fresh install, a bot that was not running) is not reported.
        """
        now = self.clock.now()
        await self.flush()
        if not await self.store.run(lambda db: _has_events(db, community, week)):
            log.info("no engagement recorded in %s for %s: no report", week, community.id)
            return 0
        claimed = []
        targets = self._targets(community)
        if not targets:
            log.warning("weekly report %s for %s not posted: no strategy channel on a running platform "
                        "(set channels.strategy, or report.enabled = false)", week, community.id)
        for platform, channel in targets:
            if await self.store.run(partial(claim, community=community.id, platform=platform, week=str(week),
                                            late=late, now=now)):
                claimed.append((platform, channel))
        if not claimed:
            return 0
        report, chart = await self.build(community, week, late)
        posted = 0
        for platform, channel in claimed:
            cards = report_cards(report, platform, self.catalogue, chart)
            ok, first_id, error = await self._send(community, platform, channel, week, cards)
            await self.store.run(partial(finish, community=community.id, platform=platform, week=str(week), ok=ok,
                                         message_id=first_id, error=error, now=self.clock.now()))
            posted += ok
            if ok:
                log.info("report %s %s on %s: posted", community.id, week, platform)
            else:
                log.warning("weekly report %s %s not posted on %s: %s", community.id, week, platform, error)
        return posted

    async def _send(self, community: Community, platform: str, channel: str, week: IsoWeek,
                    cards: list[Content]) -> tuple[bool, str | None, str | None]:
        done, first_id = await self.store.run(lambda db: parts_progress(db, community.id, platform, str(week)))
        for part, card in enumerate(cards):
            if part < done:  # posted before a failure interrupted this run: never twice
                continue
            action = Post(channel_id=channel, content=card,
                          idempotency_key=idempotency_key(community.id, platform, week, part))
            result = await self.outbox.send(PlatformName(platform), action)
            if not result.ok:
                return False, first_id, result.error or "refused"
            first_id = first_id or result.message_id
            await self.store.run(partial(part_sent, community=community.id, platform=platform, week=str(week),
                                         part=part, message_id=result.message_id))
        return True, first_id, None
