"""The clock side of surveys: start them, send their DMs at the configured rate, close them, purge old answers.

When a DM survey closes, every DM it sent (or its fallback post) is edited to say so, its buttons gone, so a
member who comes back to it reads that it is closed instead of clicking into a refusal. Those edits spend the
same `dms_per_minute` budget as sending, after the sends, and each is recorded in the store: a restart edits
the rest, never one twice.

A recurring survey (`every=month|quarter`) writes its next one, scheduled, in the transaction that opens it:
exactly one per opening, restarts included; closing that next one before it starts (`/survey close`) cancels it
and ends the series.

Everything is read from the store at the wake-ups that may have work (`surveys:tick` every minute; one with
no survey scheduled or open reads nothing, see `tick`), so a restart loses nothing:
a survey due to start or close while the bot was down is started or closed at the next tick; DMs queued but
not sent are sent then; a DM interrupted by a crash counts as sent (a member is never asked twice on a guess).

Who is asked by DM: the members active in the last `active_weeks` weeks on every platform of the community that
is running (the engagement log's owner says who, `handlers/engagement/presence.active_since`), minus staff,
minus members who opted out of surveys or of counting (`/survey opt-out`, `/privacy opt-out`), minus members
queued or sent any survey in the last `repeat_days` days, a person with linked accounts once, at most
`max_recipients` in all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial

from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import DirectMessage, EditMessage, Post
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.quiet import QuietUntil
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import PLATFORM_KEYS, Community
from handlers.engagement.presence import active_since
from handlers.privacy.accounts import Account, accounts_of
from handlers.surveys import ledger
from handlers.surveys.commands import Started
from handlers.surveys.messages import closed_content, question_content, results_content
from handlers.surveys.repeat import next_start

log = logging.getLogger(__name__)
TICK_JOB = "surveys:tick"
PURGE_JOB = "surveys:purge"
DAY = 86_400
Flush = Callable[[], Awaitable[None]]


class SurveyRunner:
    """Implements the commands' `Launcher` and the minute tick."""

    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue, optouts: OptOuts,
                 communities: Iterable[Community], flush: Flush | None = None) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.optouts = optouts
        self.communities = {c.id: c for c in communities}
        self.flush = flush  # the engagement buffer, written before asking who was active
        self.quiet = QuietUntil()

    def register(self, wakeups: Wakeups) -> None:
        now = self.clock.now()
        wakeups.add(TICK_JOB, IntervalTrigger(minutes=1, start_date=now + timedelta(minutes=1)), self.tick,
                    misfire_grace=timedelta(minutes=5))
        wakeups.add(PURGE_JOB, IntervalTrigger(hours=6, start_date=now + timedelta(hours=6)), self.purge,
                    misfire_grace=timedelta(hours=6))

    async def settle(self) -> int:
        """At start: DMs a crash left half-sent count as sent."""
        return await self.store.run(ledger.settle_interrupted)

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    def scheduled(self, survey_id: int) -> None:
        """A survey was just created: the tick no longer rests through its start."""
        self.quiet.stir()

    # -- starting -------------------------------------------------------------------------------------------------
    async def start(self, survey_id: int) -> Started:
        self.quiet.stir()
        scheduled = await self.store.run(lambda db: ledger.get(db, survey_id))
        if scheduled is None:
            return Started()
        community = self.communities.get(scheduled.community)
        following = self._following(scheduled, community) if community is not None else None
        opened = await self.store.run(lambda db: ledger.open_survey(db, survey_id, following))
        survey = await self.store.run(lambda db: ledger.get(db, survey_id))
        if not opened or survey is None:
            return Started()
        if community is None:
            return Started(error="unknown community")
        if survey.delivery == "channel":
            return await self._post(survey, community)
        queued = await self._queue(survey, community)
        self.quiet.stir()  # again once its DMs are queued: a tick that read before the queue must not rest
        await self._send_batch(community)
        return Started(queued=queued)

    def _following(self, survey: ledger.Survey, community: Community) -> ledger.NewSurvey | None:
        """A recurring survey's next one, from the same local time a period later (or the first start still to
        come, after a stop longer than a period)."""
        if survey.every is None:
            return None
        now = self._now()
        series_start = survey.series_start if survey.series_start is not None else survey.starts_at
        starts_at = next_start(series_start, survey.every, community.tz, max(now, survey.starts_at))
        return ledger.as_new(survey, now).following(starts_at, now)

    async def _post(self, survey: ledger.Survey, community: Community) -> Started:
        assert survey.channel_id is not None
        content = question_content(self.catalogue, community.locale, survey)
        result = await self.outbox.send(PlatformName(survey.platform),
                                        Post(channel_id=survey.channel_id, content=content,
                                             idempotency_key=f"survey:{survey.id}"))
        if not result.ok:
            await self.store.run(lambda db: ledger.close(db, survey.id, self._now()))
            return Started(error=result.error or "?")
        await self.store.run(lambda db: ledger.set_message(db, survey.id, result.channel_id, result.message_id))
        return Started(posted=True)

    def _audience_platforms(self, survey: ledger.Survey, community: Community) -> list[str]:
        """The platforms a DM survey asks on: the one it was started from first, then every other platform of the
        community that is running here (one community, one survey: its members are asked wherever they are)."""
        others = [key for key in PLATFORM_KEYS if key != survey.platform and community.space(key) is not None
                  and self.outbox.has(PlatformName(key))]
        return [survey.platform, *others]

    async def _queue(self, survey: ledger.Survey, community: Community) -> int:
        if self.flush is not None:
            await self.flush()
        settings = community.surveys
        now = self._now()
        platforms = self._audience_platforms(survey, community)

        def choose(db) -> int:
            since = now - settings.repeat_days * DAY
            excluded: dict[str, set[str]] = {}  # per platform: opted out of surveys, or asked in the period

            def left_out(account: Account) -> bool:
                if account.platform not in excluded:
                    excluded[account.platform] = ledger.opted_out(db, community.id, account.platform) | \
                        ledger.recently_asked(db, community.id, account.platform, since)
                return account.member_id in excluded[account.platform] or \
                    self.optouts.is_opted_out(community.id, account.platform, account.member_id)

            # a person is one member: an account linked to one that was asked or opted out is left out too, and
            # a person with two active accounts (on one platform or across two) is asked on the first only, the
            # survey's own platform first; members never asked come first, then those asked longest ago: with
            # max_recipients, everyone's turn comes, instead of the same first ids every time
            candidates: list[tuple[int, int, str, str]] = []
            for rank, platform in enumerate(platforms):
                active = active_since(db, community.id, platform, now - settings.active_weeks * 7 * DAY)
                last = ledger.last_asked(db, community.id, platform)
                candidates += [(last.get(member_id, 0), rank, member_id, platform) for member_id in active]
            chosen: list[Account] = []
            people: set[tuple[Account, ...]] = set()
            for _, _, member_id, platform in sorted(candidates):
                if len(chosen) >= settings.max_recipients:
                    break
                person = tuple(accounts_of(db, community.id, Account(platform, member_id)))
                if person not in people and not any(left_out(a) for a in person):
                    people.add(person)
                    chosen.append(Account(platform, member_id))
            return ledger.queue(db, survey, [(a.platform, a.member_id) for a in sorted(chosen)], now)

        return await self.store.run(choose)

    # -- sending --------------------------------------------------------------------------------------------------
    async def _send_batch(self, community: Community) -> int:
        """Send what the last minute's budget allows (counted from the store, so a restart does not reset it)."""
        sent = 0
        open_dm = [s for s in await self.store.run(lambda db: ledger.with_status(db, "open"))
                   if s.community == community.id and s.delivery == "dm"]
        for survey in open_dm:
            budget = community.surveys.dms_per_minute - await self.store.run(
                lambda db: ledger.sent_since(db, community.id, self._now() - 60))
            if budget <= 0:
                break
            claimed = await self.store.run(partial(ledger.claim_pending, survey_id=survey.id, limit=budget))
            for recipient in claimed:
                content = question_content(self.catalogue, community.locale, survey, recipient.member_id)
                result = await self.outbox.send(PlatformName(recipient.platform), DirectMessage(
                    member_id=recipient.member_id, content=content,
                    fallback_channel_id=_fallback_channel(community, recipient.platform)))
                await self.store.run(partial(ledger.finish_send, recipient=recipient, ok=result.ok, now=self._now(),
                                             channel_id=result.channel_id, message_id=result.message_id))
                sent += int(result.ok)
        await self._close_dms(community)
        return sent

    async def _close_dms(self, community: Community) -> int:
        """Edit the DMs of closed surveys to say so, within what is left of the minute's budget."""
        since = self._now() - 60
        budget = community.surveys.dms_per_minute - await self.store.run(
            lambda db: ledger.sent_since(db, community.id, since) + ledger.edited_since(db, community.id, since))
        if budget <= 0:
            return 0
        edited = 0
        surveys: dict[int, ledger.Survey | None] = {}
        for message in await self.store.run(partial(ledger.closed_unedited, community=community.id, limit=budget)):
            if message.survey_id not in surveys:
                surveys[message.survey_id] = await self.store.run(partial(ledger.get, survey_id=message.survey_id))
            survey = surveys[message.survey_id]
            if survey is None:
                continue
            result = await self.outbox.send(PlatformName(message.platform), EditMessage(
                channel_id=message.channel_id, message_id=message.message_id,
                content=closed_content(self.catalogue, community.locale, survey)))
            if result.ok or result.permanent:  # a DM deleted or gone is not tried again
                await self.store.run(partial(ledger.mark_closed_edit, message=message, now=self._now()))
                edited += int(result.ok)
            else:
                log.info("survey %s: a DM could not be edited yet (%s)", message.survey_id, result.error)
        return edited

    # -- closing --------------------------------------------------------------------------------------------------
    async def close(self, survey_id: int) -> bool:
        self.quiet.stir()  # its DMs are to be edited closed, at the DM rate, over the next ticks
        survey = await self.store.run(lambda db: ledger.get(db, survey_id))
        closed = await self.store.run(lambda db: ledger.close(db, survey_id, self._now()))
        self.quiet.stir()  # again once closed: a tick that read before the close must not rest on it
        if not closed or survey is None:
            return False
        if survey.status == "scheduled":
            return True  # cancelled before it started: nothing was posted, nothing to report
        community = self.communities.get(survey.community)
        if community is None:
            return True
        platform = PlatformName(survey.platform)
        locale = community.locale
        if survey.delivery == "channel" and survey.channel_id and survey.message_id:
            await self.outbox.send(platform, EditMessage(channel_id=survey.channel_id, message_id=survey.message_id,
                                                         content=closed_content(self.catalogue, locale, survey)))
        space = community.space(survey.platform)
        if space is not None and space.channels.strategy:
            final = await self.store.run(lambda db: ledger.get(db, survey_id))
            scores = await self.store.run(lambda db: ledger.scores_of(db, survey_id))
            sent = None
            if survey.delivery == "dm":
                sent = (await self.store.run(lambda db: ledger.recipient_counts(db, survey_id))).get("sent", 0)
            content = results_content(self.catalogue, locale, final or survey, scores, None, sent)
            await self.outbox.send(platform, Post(channel_id=space.channels.strategy, content=content,
                                                  idempotency_key=f"survey-results:{survey_id}"))
        if survey.delivery == "dm":
            await self._close_dms(community)  # the rest within the next minutes, at the DM rate
        return True

    # -- the minute tick ------------------------------------------------------------------------------------------
    async def tick(self) -> None:
        """Start, close and send what is due. One read first: a tick with nothing to do (no survey scheduled or
        open, no DM waiting) rests until the next start or close, reading nothing meanwhile, unless a survey
        is created, started or closed (`quiet`); a restart reads again."""
        moment = self.clock.now()
        if self.quiet.resting(moment):
            return
        now = int(moment.timestamp())
        token = self.quiet.reading()
        idle_until = (await self.store.run(ledger.tick_view)).idle_until(now)
        if idle_until is not None:
            self.quiet.rest(token, datetime.fromtimestamp(idle_until, UTC) if idle_until else None)
            return
        for survey in await self.store.run(lambda db: ledger.with_status(db, "scheduled")):
            if survey.starts_at <= now:
                await self.start(survey.id)
        for survey in await self.store.run(lambda db: ledger.with_status(db, "open")):
            if survey.closes_at <= now:
                await self.close(survey.id)
        for community in self.communities.values():
            await self._send_batch(community)

    async def purge(self) -> tuple[int, int, int]:
        """Retention: comments after `comment_days`, answers after `answer_days`, the DM memory once it no longer
        keeps anyone from being asked (`repeat_days`)."""
        now = self._now()
        totals = [0, 0, 0]
        for community in self.communities.values():
            settings = community.surveys
            counts = await self.store.run(partial(
                ledger.purge, community=community.id, comments_before=now - settings.comment_days * DAY,
                answers_before=now - settings.answer_days * DAY, recipients_before=now - settings.repeat_days * DAY))
            if any(counts):
                log.info("surveys retention in %s: %d comments, %d answers, %d DM records erased", community.id,
                         *counts)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
        return totals[0], totals[1], totals[2]


def _fallback_channel(community: Community, platform: str) -> str | None:
    """Where a DM survey goes when the member's DMs are closed: the platform's `surveys` channel, if set."""
    space = community.space(platform)
    return space.channels.surveys if space is not None else None


def local(epoch: int, community: Community) -> datetime:
    return datetime.fromtimestamp(epoch, community.tz)
