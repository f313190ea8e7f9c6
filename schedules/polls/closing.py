"""Ending polls on time and posting their results exactly once, across restarts.

Closing a poll, in an order that a crash at any point can resume:
1. each native poll (Discord) is ended on the platform, which answers with its final counts (`ClosePoll`);
2. the store closes the poll once (compare-and-set) and freezes every message's counts: the platform's own
   for a native poll, our recorded votes for a button card;
3. each button card is redrawn, closed, without buttons;
4. the results go to every channel the poll ran in, each through a ledger row written as `sending` before the
   call, keyed by poll and channel: a row already there is never sent again. A channel whose native poll the
   platform ended itself, holding every vote of the poll, gets none (`native`): Discord posts its own results
   message there, with the same figures. A row a crash left in `sending`
   is looked up on the platform where it can be (`FindPost`), else marked `uncertain` and logged.
Votes of members who opted out of being counted are erased at once; the others after
`polls.vote_retention_days` (see `schedules/polls/retention.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import ClosePoll, FindPost, Post
from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.platform import Capability
from bot.quiet import QuietUntil
from bot.store import Store
from bot.wakeups import Wakeups
from handlers.polls import polls as ledger
from handlers.polls.cards import results_content
from schedules.polls.redraws import CardRedraws

log = logging.getLogger(__name__)
SWEEP_JOB = "polls:sweep"
LOOKUP_MARGIN = timedelta(minutes=5)
NATIVE = "native"  # a results row the platform's own results message stands for: nothing posted by cmbot


def job_id(poll_id: int) -> str:
    return f"polls:close:{poll_id}"


class PollCloser:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 directory: CommunityDirectory, optouts: OptOuts, redraws: CardRedraws,
                 quiet: QuietUntil | None = None) -> None:
        self.store = store
        self.quiet = quiet or QuietUntil()  # shared with `PollJobs`, which stirs it when a poll opens
        self.redraws = redraws  # the closed card is drawn under the same lock as the votes' redraws
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.directory = directory
        self.optouts = optouts

    # -- entry points ------------------------------------------------------------------------------------
    async def sweep(self) -> None:
        """Every open poll whose time is up, and any closed poll whose results are not all out.

        One read; when it finds nothing to do, the sweeps until the next open poll's end read nothing (each
        poll has its own wake-up at its end; this is the safety net), unless a poll opens or closes meanwhile
        (`quiet`)."""
        now = self.clock.now()
        if self.quiet.resting(now):
            return
        token = self.quiet.reading()
        view = await self.store.run(lambda db: ledger.sweep_view(db, now))
        if not view.due and not view.without_results:
            self.quiet.rest(token, view.next_end)
            return
        for poll_id in view.due:
            await self.close(poll_id)
        for poll_id in view.without_results:
            await self._post_results(poll_id)

    async def close(self, poll_id: int, *, early: bool = False) -> str:
        """End one poll (its time is up, or a CM ends it `early`); returns a catalogue key for the answer."""
        self.quiet.stir()  # whatever happens below, the next sweep looks (results a failure left unclaimed)
        poll = await self.store.run(partial(ledger.get_poll, poll_id=poll_id))
        if poll is None:
            return "polls.answer.not_found"
        if poll.status == ledger.CLOSED:
            await self._post_results(poll_id)
            return "polls.answer.already_closed"
        if poll.status != ledger.OPEN or (not early and poll.ends_at and poll.ends_at > self.clock.now()):
            return "polls.answer.not_open"
        messages = await self.store.run(lambda db: ledger.messages_of(db, poll_id))
        platform_counts: dict[ledger.MessageKey, tuple[int, ...]] = {}
        for message in messages:
            platform = PlatformName(message.platform)
            if self.outbox.can(platform, Capability.NATIVE_POLLS):
                ended = await self.outbox.send(platform, ClosePoll(channel_id=message.channel_id,
                                                                   message_id=message.message_id))
                if ended.ok and ended.counts is not None:
                    platform_counts[message.key] = ended.counts
        closed = await self.store.run(lambda db: ledger.close_poll(db, poll_id, self.clock.now(), platform_counts))
        if closed:
            await self._redraw(poll_id)
            await self._forget_opted_out(poll_id)
        await self._post_results(poll_id)
        return "polls.answer.closed_now" if closed else "polls.answer.already_closed"

    async def reconcile(self) -> None:
        """At start-up, settle results posts a crash left between `sending` and `posted`."""
        for row in await self.store.run(ledger.results_sending):
            platform = PlatformName(row["platform"])
            now = self.clock.now()
            if self.outbox.can(platform, Capability.MESSAGE_LOOKUP):
                since = datetime.fromisoformat(row["started_at"]) - LOOKUP_MARGIN
                found = await self.outbox.send(platform, FindPost(
                    channel_id=row["channel_id"], idempotency_key=row["idempotency_key"], since=since))
                if found.ok:
                    await self.store.run(partial(ledger.finish_result, result_id=row["id"], status="posted", now=now,
                                                 message_id=found.message_id))
                    continue
                if found.permanent:
                    await self._send_results(row["poll_id"], row["id"], row["platform"], row["channel_id"])
                    continue
            await self.store.run(partial(ledger.finish_result, result_id=row["id"], status="uncertain", now=now,
                                         error="interrupted between sending and posted"))
            log.warning("poll %s: results on %s:%s may not have been posted (interrupted)", row["poll_id"],
                        row["platform"], row["channel_id"])

    # -- steps -------------------------------------------------------------------------------------------
    async def _redraw(self, poll_id: int) -> None:
        await self.redraws.redraw(poll_id, final=True)  # native polls show their own end

    async def _forget_opted_out(self, poll_id: int) -> None:
        poll = await self.store.run(partial(ledger.get_poll, poll_id=poll_id))
        assert poll is not None
        voters = await self.store.run(lambda db: ledger.voters_of(db, poll_id))
        hidden = [(p, m) for p, m in voters if self.optouts.is_opted_out(poll.community, p, m)]
        if hidden:
            await self.store.run(lambda db: ledger.purge_votes_of(db, poll_id, hidden))

    async def _post_results(self, poll_id: int) -> None:
        poll = await self.store.run(partial(ledger.get_poll, poll_id=poll_id))
        if poll is None or poll.status != ledger.CLOSED:
            return
        messages = await self.store.run(lambda db: ledger.messages_of(db, poll_id))
        tally = await self.store.run(lambda db: ledger.tally(db, poll))
        channels = dict.fromkeys((m.platform, m.channel_id) for m in messages)
        for platform, channel_id in channels:
            result_id = await self.store.run(partial(ledger.claim_result, poll=poll, platform=platform,
                                                     channel_id=channel_id, now=self.clock.now()))
            if result_id is None:
                continue  # posted, failed or in doubt already: never twice
            here = [m for m in messages if (m.platform, m.channel_id) == (platform, channel_id)]
            if ledger.shown_by_platform(here, tally):  # Discord shows the same figures in its own message
                await self.store.run(partial(ledger.finish_result, result_id=result_id, status=NATIVE,
                                             now=self.clock.now()))
                continue
            await self._send_results(poll_id, result_id, platform, channel_id)

    async def _send_results(self, poll_id: int, result_id: int, platform: str, channel_id: str) -> None:
        poll = await self.store.run(partial(ledger.get_poll, poll_id=poll_id))
        assert poll is not None
        community = self.directory.by_id(poll.community)
        tally = await self.store.run(lambda db: ledger.tally(db, poll))
        card = results_content(poll, tally, community, self.catalogue)
        key = ledger.results_key(poll_id, platform, channel_id)
        result = await self.outbox.send(PlatformName(platform), Post(channel_id=channel_id, content=card,
                                                                     idempotency_key=key))
        status = "posted" if result.ok else "failed"
        await self.store.run(lambda db: ledger.finish_result(db, result_id, status, self.clock.now(),
                                                             message_id=result.message_id, error=result.error))


class PollJobs:
    """One wake-up per open poll (`polls:close:<id>`, carrying only the id), rebuilt from the store at start,
    and a safety-net sweep."""

    def __init__(self, wakeups: Wakeups, clock: Clock, run: Callable[[int], Awaitable[object]],
                 quiet: QuietUntil | None = None) -> None:
        self.wakeups = wakeups
        self.clock = clock
        self.run = run
        self.quiet = quiet or QuietUntil()

    def _job(self, poll_id: int) -> Callable[[], Awaitable[None]]:
        async def wake() -> None:
            await self.run(poll_id)

        return wake

    def schedule(self, poll_id: int, ends_at: datetime) -> None:
        self.quiet.stir()  # a poll just opened: the sweep no longer sleeps through to its end
        if ends_at <= self.clock.now():
            return  # already due: the sweep closes it
        self.wakeups.add(job_id(poll_id), DateTrigger(run_date=ends_at), self._job(poll_id),
                         misfire_grace=timedelta(days=1))

    async def rebuild(self, store: Store, sweep: Callable[[], Awaitable[None]], sweep_every: timedelta) -> None:
        for poll_id, ends_at in await store.run(ledger.open_polls):
            self.schedule(poll_id, ends_at)
        self.wakeups.add(SWEEP_JOB, IntervalTrigger(seconds=int(sweep_every.total_seconds()),
                                                    start_date=self.clock.now() + sweep_every),
                         sweep, misfire_grace=sweep_every)
