"""The monthly "thank you to our members" post, drafted into the content calendar for a CM to approve.

On `thanks_day` at `thanks_time` (local), or at the next start within a week when the bot was down then, a post is
written through the calendar's desk, always waiting for approval whatever the community's approval setting: the
bot never publishes its own words unseen. It thanks the members with the previous month's figures of mutual
help (questions answered, members who helped; totals only, never a name; a month without any is not thanked)
and is scheduled `thanks_publish_after_days` later at 11:00, to each `thanks_to` target (default: each
platform's welcome channel). The CM approves, edits or rejects it like any other post.

Exactly once per community and month, across restarts: the month's draft is recorded in `ambassador_thanks`; a
crash between the calendar's write and that record is settled by finding the post again through the calendar's
owner functions (its campaign names the month) instead of drafting a second one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import sqlite_utils
from apscheduler.triggers.cron import CronTrigger
from babel.dates import format_date

from bot.clock import Clock
from bot.i18n import Catalogue
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import PLATFORM_KEYS, Community
from handlers.ambassadors import records
from handlers.calendar import posts as calendar
from handlers.calendar.desk import Desk
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, PostDraft, Target
from handlers.engagement.helpfulness import feedback_channels, first_responses, signals
from schedules.report.metrics import Scope
from schedules.report.metrics.people import identify
from schedules.report.weeks import IsoWeek

log = logging.getLogger(__name__)
BOT = "cmbot"
PUBLISH_HOUR = 11
CATCH_UP_WITHIN = timedelta(days=7)  # a bot down on the 1st drafts when back; one installed mid-month waits


def month_start(day: datetime, community: Community) -> datetime:
    local = day.astimezone(community.tz)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def previous_month(start: datetime) -> datetime:
    return (start - timedelta(days=1)).replace(day=1)


def due_time(community: Community, now: datetime) -> datetime:
    """When this month's draft is due (local `thanks_day` at `thanks_time`)."""
    hour, minute = (int(part) for part in community.ambassadors.thanks_time.split(":"))
    local = month_start(now, community)
    return local.replace(day=community.ambassadors.thanks_day, hour=hour, minute=minute).astimezone(UTC)


def targets(community: Community) -> tuple[Target, ...]:
    configured = community.ambassadors.thanks_to
    if configured:
        return tuple(Target(*t.split(":", 1)) for t in configured)
    found = []
    for platform in PLATFORM_KEYS:
        space = community.space(platform)
        if space is not None and space.channels.welcome:
            found.append(Target(platform, space.channels.welcome))
    return tuple(found)


def month_figures(db: sqlite_utils.Database, community: Community, start: datetime, end: datetime,
                  now: datetime) -> tuple[int, int]:
    """(questions answered, members who helped) in [start, end): totals only, linked accounts counted once."""
    low, high = int(start.timestamp()), int(end.timestamp())
    answered = len(first_responses(db, community.id, low, high, high))
    who = identify(db, Scope(community, IsoWeek.containing(now, community.tz), None, now))
    found = signals(db, community.id, [low], high, feedback_channels(community))
    helpers = {who(*account) for account, s in found.items() if s.first_responses or s.helpful_replies}
    return answered, len(helpers)


class MonthlyThanks:
    def __init__(self, store: Store, clock: Clock, catalogue: Catalogue, communities: list[Community], desk: Desk,
                 flush: Callable[[], Awaitable[None]] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.catalogue = catalogue
        self.communities = [c for c in communities if c.ambassadors.enabled]
        self.desk = desk
        self.flush = flush
        self._lock = asyncio.Lock()

    def register(self, wakeups: Wakeups) -> None:
        for community in self.communities:
            settings = community.ambassadors
            hour, minute = (int(part) for part in settings.thanks_time.split(":"))
            trigger = CronTrigger(day=settings.thanks_day, hour=hour, minute=minute, timezone=community.timezone)
            wakeups.add(f"ambassadors:thanks:{community.id}", trigger, self._fire(community),
                        misfire_grace=CATCH_UP_WITHIN)

    def _fire(self, community: Community) -> Callable[[], Awaitable[None]]:
        async def fire() -> None:
            await self.draft(community)

        return fire

    async def catch_up(self) -> None:
        now = self.clock.now()
        for community in self.communities:
            due = due_time(community, now)
            if due <= now < due + CATCH_UP_WITHIN:
                await self.draft(community)

    def campaign(self, community: Community, month: str) -> str:
        return f"{self.catalogue.string(community.locale, 'ambassadors.thanks.campaign')}-{month}"

    async def draft(self, community: Community) -> int | None:
        """Draft this month's post unless it exists; returns its calendar id (None when it cannot be drafted)."""
        async with self._lock:
            now = self.clock.now()
            start = month_start(now, community)
            month = f"{start:%Y-%m}"
            existing = await self.store.run(lambda db: records.thanks_post(db, community.id, month))
            if existing is not None:
                return existing
            campaign = self.campaign(community, month)
            found = await self.store.run(lambda db: calendar.list_posts(db, community.id, list(Status),
                                                                        campaign=campaign, limit=1))
            post_id = found[0].id if found else await self._write(community, start, campaign, now)
            if post_id is not None:
                await self.store.run(lambda db: records.record_thanks(db, community.id, month, post_id, now))
            return post_id

    async def _write(self, community: Community, start: datetime, campaign: str, now: datetime) -> int | None:
        where = targets(community)
        if not where:
            log.warning("%s: no thanks_to target and no welcome channel: the monthly thank-you is not drafted",
                        community.id)
            return None
        if self.flush is not None:
            await self.flush()
        last = previous_month(start)
        answered, helpers = await self.store.run(lambda db: month_figures(db, community, last, start, now))
        if not answered and not helpers:  # "0 questions answered, thank you": a post no CM would approve
            log.info("%s: no mutual help recorded in %s: no thank-you drafted", community.id, f"{last:%Y-%m}")
            return None
        locale = community.locale
        say = self.catalogue.string
        body = say(locale, "ambassadors.thanks.post", community=community.name,
                   month=format_date(last.date(), "MMMM", locale=locale),
                   answered=say(locale, "ambassadors.thanks.answered", count=answered),
                   helpers=say(locale, "ambassadors.thanks.helpers", count=helpers))
        publish = (now.astimezone(community.tz) + timedelta(days=community.ambassadors.thanks_publish_after_days)
                   ).replace(hour=PUBLISH_HOUR, minute=0, second=0, microsecond=0)
        draft = PostDraft(community=community.id, author=Actor(where[0].platform, BOT, BOT), body=body,
                          targets=where, timezone=community.timezone, publish_at=publish, campaign=campaign,
                          utm=False)
        # always reviewed: the bot's own words wait for a CM, whatever the community's approval setting
        reviewed = community.model_copy(update={"calendar": community.calendar.model_copy(
            update={"approval_required": True})})
        outcome = await self.desk.create(draft, reviewed)
        if not outcome.ok or outcome.post is None:
            log.warning("%s: the monthly thank-you was refused by the calendar: %s", community.id,
                        [p.key for p in outcome.problems] or outcome.key)
            return None
        log.info("%s: monthly thank-you drafted as post %d, waiting for approval", community.id, outcome.post.id)
        return outcome.post.id
