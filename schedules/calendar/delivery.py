"""Publishing each occurrence of a post exactly once, on time, on every target.

The ledger row for an occurrence on a target is written as `sending` *before* the platform call and becomes
`published` with the platform's message id after it; its idempotency key rides on the send (a Discord nonce).
A row still `sending` at start-up means we crashed in between; `schedules.calendar.settlement` looks it up on
the platform or asks the CMs: it is never sent blindly again. One send is `schedules.calendar.sending`.

Lateness: an occurrence due while the bot was down is sent late (and marked late) within the grace period, and
beyond it is marked missed and the CMs are asked. One due while the bot was running is always sent, since no
downtime made it late. Transient failures retry with exponential backoff inside the grace period; permanent
ones fail at once and the author is told the platform's reason.

Many posts due at one instant: they were read and rendered ahead (`read_ahead`); at the instant they are
claimed in chunks that grow (`CLAIM_CHUNKS`), the next chunk's claim on its way to the store before the sends
of the one before start, so the first posts go out at once and the store claims the rest while the platform
calls are made. Their outcomes are written together once the claims are in (still before anything is
reported): a kill in between leaves the sent rows `sending`, settled at the next start like any other.

A clean stop (SIGTERM, end of input) loses nothing and leaves nothing `uncertain`: `stop()` claims nothing
more, gives back the claims whose platform call has not begun (they are known unsent), and waits, for a bounded
time, for the calls already in flight to be answered and recorded. What it did not reach stays due, and the
next start delivers it under the lateness policy. Only a crash, or a call still unanswered at the end of the
wait, leaves a row in `sending`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

import sqlite_utils

from bot.actions import ActionResult
from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.outbox import Outbox
from bot.post_kinds import PostKinds
from bot.store import Store
from bot.store.database import StoreUnavailable
from config.settings import Community
from handlers.calendar import bulk
from handlers.calendar import posts as ledger
from handlers.calendar.cards import ReviewCards
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import CalendarPost, Delivery
from schedules.calendar import occurrence, sending
from schedules.calendar.expiry import expire_if_due
from schedules.calendar.instant import Instants, Rendered, Sent
from schedules.calendar.notices import Notices
from schedules.calendar.occurrence import Begun, Read, Record, Recorded
from schedules.calendar.sending import Sender, Sleep
from schedules.calendar.settlement import Settlement
from schedules.calendar.trips import Gathered, Trips

log = logging.getLogger(__name__)
STOP_PATIENCE_SECONDS = 10.0  # how long a clean stop waits for platform calls already in flight
Reschedule = Callable[[int, datetime | None], None]


class Publisher:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, notices: Notices, directory: CommunityDirectory,
                 reschedule: Reschedule, sleep: Sleep = asyncio.sleep, kinds: PostKinds | None = None,
                 cards: ReviewCards | None = None) -> None:
        self.store = store
        self.trips = Trips(store)  # the delivery's store work, shared with the posts due at the same time
        self._begins: Gathered[tuple[int, Read | None], Begun] = Gathered(self.trips, self.begin_many)
        self.records: Gathered[Record, Recorded] = Gathered(self.trips, self._record_many)
        self.cards = cards  # approval cards, closed when a post expires without a decision
        self.clock = clock
        self.outbox = outbox
        self.notices = notices
        self.directory = directory
        self.reschedule = reschedule
        self.sleep = sleep
        self.kinds = kinds or PostKinds()
        self.started_at: datetime | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self._held: dict[int, asyncio.Event] = {}  # posts an instant's run holds, set free when the run is over
        self._stopping = False
        self._active = 0  # posts and jobs under way (a clean stop waits for them)
        self._idle = asyncio.Event()
        self._idle.set()
        self.sender = Sender(self.trips, clock, outbox, notices, self.kinds, sleep, lambda: self._stopping)
        self.settlement = Settlement(store, self.sender, outbox, notices, directory, self.kinds, clock.now)
        self.instants = Instants(self)  # the posts of coming instants, read ahead, then claimed in chunks

    # -- entry points ------------------------------------------------------------------------------------
    async def run_post(self, post_id: int) -> None:
        """The job of one post: deliver whatever of it is due now (read from the store, not the wake-up)."""
        if self._stopping:
            return
        lock = self._locks.setdefault(post_id, asyncio.Lock())  # from here on no instant's run takes it
        self._busy()
        try:
            while (held := self._held.get(post_id)) is not None:  # an instant's run has it: wait for its end
                await held.wait()
            async with lock:
                await self._run_post(post_id)
        finally:
            if not lock.locked():
                self._locks.pop(post_id, None)
            self._done()

    async def run_posts(self, post_ids: Sequence[int]) -> None:
        """The job of an instant: deliver the posts due together, their store work shared, their sends started
        in this order (those read ahead first). A post that fails is logged alone; a store that cannot be used
        stops the lot."""
        if self._stopping:
            return
        ahead = [post_id for post_id in dict.fromkeys(post_ids)
                 if post_id in self.instants.ahead and post_id not in self._locks and post_id not in self._held]
        chosen = set(ahead)
        others = [post_id for post_id in post_ids if post_id not in chosen]
        self._busy()  # until the whole job is over, so a clean stop waits for its last step
        try:
            one_by_one = asyncio.gather(*(self.run_post(post_id) for post_id in others), return_exceptions=True)
            outcomes: list[tuple[int, BaseException | None]] = list(await self.instants.run(ahead))
            outcomes += zip(others, await one_by_one, strict=True)
        finally:
            self._done()
        fatal = None
        for post_id, outcome in outcomes:
            if isinstance(outcome, StoreUnavailable):
                fatal = outcome
            elif isinstance(outcome, Exception):
                log.error("post %s: its delivery failed", post_id, exc_info=outcome)
        if fatal is not None:
            raise fatal

    async def run_claimed(self, post_id: int, first: tuple[Begun, Rendered | None] | None) -> None:
        """The rest of a post of an instant's run, once its chunk was claimed (its lock is held by the run)."""
        await self._run_post(post_id, first)

    def hold(self, post_ids: Sequence[int]) -> asyncio.Event:
        """The posts are an instant's run's until the event it gets is handed to `release`: no other wake-up (the
        sweep) delivers them meanwhile, and the publisher is busy (a clean stop waits for the run). One mark per
        post and one event for the run, not a lock each: a thousand posts due together take a thousand."""
        released = asyncio.Event()
        for post_id in post_ids:
            self._held[post_id] = released
        self._busy()
        return released

    def release(self, post_ids: Sequence[int], released: asyncio.Event) -> None:
        for post_id in post_ids:
            if self._held.get(post_id) is released:
                del self._held[post_id]
        released.set()
        self._done()

    @property
    def stopping(self) -> bool:
        return self._stopping

    def _busy(self) -> None:
        self._active += 1
        self._idle.clear()

    def _done(self) -> None:
        self._active -= 1
        if self._active == 0:
            self._idle.set()

    async def read_ahead(self, post_ids: Sequence[int], due: datetime) -> int:
        """Before an instant falls due: read its posts (one trip, writing nothing) and render their messages, so
        that at the due instant only the claim and the sends are left. Returns how many were read ahead. What
        is kept is used only if the post is unchanged when it is claimed (`schedules.calendar.instant`)."""
        if self._stopping:
            return 0
        return await self.instants.read_ahead(post_ids, due)

    async def stop(self, patience: float = STOP_PATIENCE_SECONDS) -> None:
        """A clean stop: start no send, give back unsent claims, wait up to `patience` s for calls in flight."""
        self._stopping = True
        self.instants.ahead.clear()
        if self._active == 0:
            return
        try:
            await asyncio.wait_for(self._idle.wait(), patience)
        except TimeoutError:
            log.warning("stopping with %d post(s) still waiting for the platform; the next start settles them",
                        self._active)

    async def sweep(self) -> None:
        """The safety net: every post due now (also the catch-up at start), taken up together in due order, so
        their store work shares trips and their sends start in that order."""
        now = self.clock.now()
        due = await self.store.run(lambda db: ledger.due_post_ids(
            db, now, (Status.SCHEDULED, Status.SENDING, Status.PENDING)))
        await self.run_posts(due)

    # -- one post ----------------------------------------------------------------------------------------
    async def _run_post(self, post_id: int, first: tuple[Begun, Rendered | None] | None = None) -> None:
        """Deliver whatever of the post is due now; `first` is its first step when it was already begun (a
        chunk of an instant's posts claimed together)."""
        for _ in range(1000):  # one pass per occurrence due now; bounded against a cron that never moves on
            if self._stopping and first is None:
                return
            if first is not None:
                (begun, rendered), first = first, None
            else:
                begun, rendered = await self._begin(post_id)
            post, now = begun.post, begun.at or self.clock.now()
            if post is None or post.next_due_at is None:
                return
            if post.next_due_at > now:
                self.reschedule(post.id, post.next_due_at)
                return
            community = self.directory.by_id(post.community)
            if post.status is Status.PENDING:
                await expire_if_due(self.store, self.notices, post, community, now, self.cards, self.kinds)
                return
            if begun.due is None:
                return
            await self.deliver_occurrence(post, community, begun, rendered)
            if not post.recurring:
                return

    async def _begin(self, post_id: int) -> tuple[Begun, Rendered | None]:
        """One trip, shared with the posts woken with it: read the post (or check that what was read ahead of
        it still holds); if an occurrence is due, mark it sending and claim its first target. What was rendered
        ahead comes back only if the read it came from was used."""
        ahead = self.instants.ahead.pop(post_id, None)
        begun = await self._begins.ask((post_id, None if ahead is None else ahead.read))
        return begun, ahead.rendered if ahead is not None and begun.ahead else None

    def begin_many(self, db: sqlite_utils.Database, asks: list[tuple[int, Read | None]]) -> list[Begun]:
        return occurrence.begin_many(db, asks, self.clock.now(), self.started_at, self._grace)

    def _record_many(self, db: sqlite_utils.Database, records: list[Record]) -> list[Recorded]:
        return occurrence.record_many(db, records, self.clock.now())

    def _grace(self, community_id: str) -> timedelta:
        return self.directory.by_id(community_id).calendar.grace_period

    async def deliver_occurrence(self, post: CalendarPost, community: Community, begun: Begun,
                                 rendered: Rendered | None = None, sent: Sent | None = None) -> None:
        """Send the occurrence `begun` started, target after target: each outcome is recorded in the trip that
        claims the next target, and the last one in the trip that advances the post. `sent`: its first target
        was already sent (an instant's run) and its record is on its way."""
        assert begun.due is not None
        due = begun.due
        if begun.missed:
            await self._miss(post, community, due)
            return
        deadline = max(due, self.started_at or due) + community.calendar.grace_period
        delivery = begun.claimed
        if delivery is None:  # every target already sent, missed or in flight before a crash: never twice
            following = await self.trips.run(partial(occurrence.advance, post=post, due=due, now=self.clock.now()))
            self.reschedule(post.id, following)
            return
        while delivery is not None:
            if sent is not None:
                (delivery, result, outcome, recording), sent = sent, None
            else:
                content = None if rendered is None else rendered.get(delivery.target.platform)
                made = await self.sender.attempt(post, community, delivery, deadline, stoppable=True,
                                                 content=content)
                if made is None:  # the stop began before the call: give the claim back rather than leave it unsure
                    await self.trips.run(partial(ledger.release_delivery, delivery_id=delivery.id))
                    return
                result, attempts = made
                outcome = sending.outcome(result, delivery, attempts)
                recording = self.records.submit(Record(post, due, delivery, outcome, begun.late, self._stopping))
            try:
                step = await recording
            except StoreUnavailable:
                raise
            except Exception:  # moving the post on failed (a bug): the send's outcome is kept all the same
                await self.trips.run(partial(bulk.finish_many, finishes=[outcome], now=self.clock.now()))
                raise
            await self.sender.after(post, community, delivery, result)
            if step.advanced:
                self.reschedule(post.id, step.following)
                if step.following is None and not result.ok:  # ended on a failure: a poll that never opened
                    await self.kinds.withdraw(post.kind, post.kind_ref, "failed")  # is withdrawn (an open one stays)
            delivery = step.claimed

    async def _miss(self, post: CalendarPost, community: Community, due: datetime) -> None:
        recorded, following = await self.trips.run(partial(
            occurrence.record_missed, post=post, due=due, now=self.clock.now()))
        log.warning("post %s: occurrence due %s missed (bot down beyond the grace period)", post.id, due)
        self.reschedule(post.id, following)
        if recorded:
            await self.notices.missed(post, community, due)

    # -- sends and what a crash or a CM leaves to settle ---------------------------------------------------
    async def send(self, post: CalendarPost, community: Community, delivery: Delivery,
                   deadline: datetime) -> ActionResult:
        """Send a claimed row and record its outcome."""
        return await self.sender.send(post, community, delivery, deadline)

    async def reconcile(self) -> None:
        """At start-up, settle every ledger row a crash left in `sending`: look it up, or report it."""
        await self.settlement.reconcile()

    async def post_missed_now(self, post_id: int, due: datetime) -> int:
        """A CM's "post now" on a missed occurrence; returns how many targets were sent (0: already decided)."""
        return await self.settlement.post_missed_now(post_id, due)

    async def resend(self, delivery_id: int, from_statuses: tuple[str, ...]) -> ActionResult | None:
        """A CM's decision: send a missed or uncertain occurrence now (None if someone already did)."""
        return await self.settlement.resend(delivery_id, from_statuses)
