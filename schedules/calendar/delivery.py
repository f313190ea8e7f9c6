"""Publishing each occurrence of a post exactly once, on time, on every target.

The ledger row for an occurrence on a target is written as `sending` *before* the platform call and becomes
`published` with the platform's message id after it; its idempotency key rides on the send (a Discord nonce).
A row still `sending` at start-up means we crashed in between: it is looked up on the platform where the
adapter can (`FindPost`: by the key in Slack's message metadata, by author, time and text on Discord, whose
history hides nonces), otherwise it becomes `uncertain` and the CMs decide; it is never sent blindly again.

Lateness: an occurrence due while the bot was down is sent late (and marked late) within the grace period, and
beyond it is marked missed and the CMs are asked. One due while the bot was running is always sent, since no
downtime made it late. Transient failures retry with exponential backoff inside the grace period; permanent
ones fail at once and the author is told the platform's reason.

A clean stop (SIGTERM, end of input) loses nothing and leaves nothing `uncertain`: `stop()` claims nothing
more, gives back the claims whose platform call has not begun (they are known unsent), and waits, for a bounded
time, for the calls already in flight to be answered and recorded. What it did not reach stays due, and the
next start delivers it under the lateness policy. Only a crash, or a call still unanswered at the end of the
wait, leaves a row in `sending`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import sqlite_utils

from bot.actions import ActionResult, Content, FindPost, Post
from bot.clock import Clock
from bot.deadline import within
from bot.dispatcher import CommunityDirectory
from bot.events import PlatformName
from bot.outbox import Outbox
from bot.platform import Capability
from bot.post_kinds import PostKinds, Published
from bot.store import Store
from bot.store.database import StoreUnavailable
from config.settings import Community
from handlers.calendar import bulk
from handlers.calendar import posts as ledger
from handlers.calendar.bulk import Finish
from handlers.calendar.cards import ReviewCards
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import SYSTEM, CalendarPost, Delivery
from handlers.calendar.preview import outgoing_content
from schedules.calendar import occurrence
from schedules.calendar.expiry import expire_if_due
from schedules.calendar.notices import Notices
from schedules.calendar.occurrence import Begun, Read, Record, Recorded
from schedules.calendar.trips import Gathered, Trips

log = logging.getLogger(__name__)
LOOKUP_MARGIN = timedelta(minutes=5)
STOP_PATIENCE_SECONDS = 10.0  # how long a clean stop waits for platform calls already in flight
SENDS_PER_PLATFORM = 8  # platform calls in flight at once on one platform, however many posts fall due together
Reschedule = Callable[[int, datetime | None], None]
Rendered = dict[str, Content]  # a post's message per platform, rendered ahead of its due time
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Ahead:
    """A post read and rendered before its due instant."""

    read: Read
    due: datetime
    rendered: Rendered


class Publisher:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, notices: Notices, directory: CommunityDirectory,
                 reschedule: Reschedule, sleep: Sleep = asyncio.sleep, kinds: PostKinds | None = None,
                 cards: ReviewCards | None = None) -> None:
        self.store = store
        self.trips = Trips(store)  # the delivery's store work, shared with the posts due at the same time
        self._begins: Gathered[tuple[int, Read | None], Begun] = Gathered(self.trips, self._begin_many)
        self._ahead: dict[int, Ahead] = {}  # posts of a coming instant, read and rendered before it
        self._records: Gathered[Record, Recorded] = Gathered(self.trips, self._record_many)
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
        self._slots: dict[PlatformName, asyncio.Semaphore] = {}  # bounds the platform calls in flight
        self._stopping = False
        self._active = 0  # run_post calls under way
        self._idle = asyncio.Event()
        self._idle.set()

    # -- entry points ------------------------------------------------------------------------------------
    async def run_post(self, post_id: int) -> None:
        """The job of one post: deliver whatever of it is due now (read from the store, not the wake-up)."""
        if self._stopping:
            return
        lock = self._locks.setdefault(post_id, asyncio.Lock())
        self._active += 1
        self._idle.clear()
        try:
            async with lock:
                await self._run_post(post_id)
        finally:
            if not lock.locked():
                self._locks.pop(post_id, None)
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    async def run_posts(self, post_ids: Sequence[int]) -> None:
        """The job of an instant: deliver the posts due together, their store work shared, their sends started
        in this order. A post that fails is logged alone; a store that cannot be used stops the lot."""
        outcomes = await asyncio.gather(*(self.run_post(post_id) for post_id in post_ids), return_exceptions=True)
        fatal = None
        for post_id, outcome in zip(post_ids, outcomes, strict=True):
            if isinstance(outcome, StoreUnavailable):
                fatal = outcome
            elif isinstance(outcome, Exception):
                log.error("post %s: its delivery failed", post_id, exc_info=outcome)
        if fatal is not None:
            raise fatal

    async def read_ahead(self, post_ids: Sequence[int], due: datetime) -> int:
        """Before an instant falls due: read its posts (one trip, writing nothing) and render their messages, so
        that at the due instant only the claim and the sends are left. Returns how many were read ahead.

        Only the SMM's own messages are rendered ahead (another kind, a poll, renders from its own state at
        send time). What is kept here is used only if the post is unchanged when it is claimed; otherwise it is
        read again then, so an edit or a cancellation made in between wins."""
        if self._stopping:
            return 0
        now = self.clock.now()
        for post_id in [i for i, kept in self._ahead.items() if kept.due < now]:
            del self._ahead[post_id]  # read for an instant gone by without claiming them (moved, cancelled)
        reads = await self.trips.run(partial(occurrence.read_ahead, post_ids=list(post_ids), due=due))
        for read in reads:
            post = read.post
            if post.kind != "message":
                continue
            try:
                community = self.directory.by_id(post.community)
                rendered = {target.platform: outgoing_content(post, target.platform, community)
                            for target in post.targets}
            except Exception:  # left to the claim, which reads it again and fails or succeeds on its own
                log.exception("post %s: could not be rendered ahead of its due time", post.id)
                continue
            self._ahead[post.id] = Ahead(read, due, rendered)
        return len(reads)

    async def stop(self, patience: float = STOP_PATIENCE_SECONDS) -> None:
        """A clean stop: start no send, give back unsent claims, wait up to `patience` s for calls in flight."""
        self._stopping = True
        self._ahead.clear()
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

    async def reconcile(self) -> None:
        """At start-up, settle every ledger row a crash left in `sending`: look it up, or report it."""
        stuck = await self.store.run(lambda db: ledger.deliveries_with_status(db, "sending"))
        for delivery in stuck:
            post = await self.store.run(partial(ledger.get_post, post_id=delivery.post_id))
            if post is None:
                continue
            await self._reconcile_one(post, self.directory.by_id(post.community), delivery)

    # -- one post ----------------------------------------------------------------------------------------
    async def _run_post(self, post_id: int) -> None:
        for _ in range(1000):  # one pass per occurrence due now; bounded against a cron that never moves on
            if self._stopping:
                return
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
            await self._deliver_occurrence(post, community, begun, rendered)
            if not post.recurring:
                return

    async def _begin(self, post_id: int) -> tuple[Begun, Rendered | None]:
        """One trip, shared with the posts woken with it: read the post (or check that what was read ahead of
        it still holds); if an occurrence is due, mark it sending and claim its first target. What was rendered
        ahead comes back only if the read it came from was used."""
        ahead = self._ahead.pop(post_id, None)
        begun = await self._begins.ask((post_id, None if ahead is None else ahead.read))
        return begun, ahead.rendered if ahead is not None and begun.ahead else None

    def _begin_many(self, db: sqlite_utils.Database, asks: list[tuple[int, Read | None]]) -> list[Begun]:
        return occurrence.begin_many(db, asks, self.clock.now(), self.started_at, self._grace)

    def _record_many(self, db: sqlite_utils.Database, records: list[Record]) -> list[Recorded]:
        return occurrence.record_many(db, records, self.clock.now())

    def _grace(self, community_id: str) -> timedelta:
        return self.directory.by_id(community_id).calendar.grace_period

    async def _deliver_occurrence(self, post: CalendarPost, community: Community, begun: Begun,
                                  rendered: Rendered | None = None) -> None:
        """Send the occurrence `begun` started, target after target: each outcome is recorded in the trip that
        claims the next target, and the last one in the trip that advances the post."""
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
            content = None if rendered is None else rendered.get(delivery.target.platform)
            sent = await self._attempt_send(post, community, delivery, deadline, stoppable=True, content=content)
            if sent is None:  # the stop began before the call: give the claim back rather than leave it unsure
                await self.trips.run(partial(ledger.release_delivery, delivery_id=delivery.id))
                return
            result, attempts = sent
            outcome = _outcome(result, delivery, attempts)
            try:
                step = await self._records.ask(Record(post, due, delivery, outcome, begun.late, self._stopping))
            except StoreUnavailable:
                raise
            except Exception:  # moving the post on failed (a bug): the send's outcome is kept all the same
                await self.trips.run(partial(bulk.finish_many, finishes=[outcome], now=self.clock.now()))
                raise
            await self._after_send(post, community, delivery, result)
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

    # -- one send ----------------------------------------------------------------------------------------
    async def send(self, post: CalendarPost, community: Community, delivery: Delivery,
                   deadline: datetime) -> ActionResult:
        """Send a claimed row and record its outcome (a CM's resend, a send after a crash's look-up)."""
        sent = await self._attempt_send(post, community, delivery, deadline)
        assert sent is not None  # not stoppable: always attempted
        result, attempts = sent
        finish = _outcome(result, delivery, attempts)
        await self.trips.run(partial(ledger.finish_delivery, delivery_id=delivery.id, status=finish.status,
                                     now=self.clock.now(), message_id=finish.message_id, error=finish.error,
                                     attempts=attempts))
        await self._after_send(post, community, delivery, result)
        return result

    async def _attempt_send(self, post: CalendarPost, community: Community, delivery: Delivery, deadline: datetime,
                            *, stoppable: bool = False, content: Content | None = None
                            ) -> tuple[ActionResult, int] | None:
        """The platform calls for a claimed row, retrying transient failures with backoff until `deadline`; the
        result and the attempts made. Every call, with the platform library's own retries and `Retry-After`
        waits, ends by `deadline`; a failure the library already retried is reported at once, so our retries and
        the library's never multiply. At most `SENDS_PER_PLATFORM` calls are in flight on a platform; a
        `stoppable` send whose turn comes after the stop began returns None, never called."""
        platform = PlatformName(delivery.target.platform)
        if content is None:  # not rendered ahead
            content = await self._content(post, platform, community)
        action = Post(channel_id=delivery.target.channel_id, content=content,
                      idempotency_key=delivery.idempotency_key)
        settings = community.calendar
        backoff = settings.retry_base_seconds
        attempt = delivery.attempts
        slot = self._slots.get(platform)
        if slot is None:
            slot = self._slots[platform] = asyncio.Semaphore(SENDS_PER_PLATFORM)
        while True:
            async with slot:
                if stoppable and self._stopping and attempt == delivery.attempts:
                    return None
                attempt += 1
                with within((deadline - self.clock.now()).total_seconds()):  # the library's retries stop there too
                    result = await self.outbox.send(platform, action)
            if result.ok:
                return result, attempt
            out_of_time = self.clock.now() + timedelta(seconds=backoff) > deadline
            if result.permanent or result.retried or attempt > settings.max_retries or out_of_time:
                return result, attempt
            log.info("post %s on %s: %s; retrying in %.1f s", post.id, delivery.target, result.error, backoff)
            await self.sleep(backoff)
            backoff *= 2

    async def _after_send(self, post: CalendarPost, community: Community, delivery: Delivery,
                          result: ActionResult) -> None:
        """Once the outcome is recorded: tell the post's kind where it went, or tell the author why it failed."""
        if result.ok:
            await self._published(post, delivery, result.message_id)
            return
        await self.notices.tell_author(post, community, "calendar.notice.failed", target=str(delivery.target),
                                       reason=result.error or "unknown error")

    async def _content(self, post: CalendarPost, platform: PlatformName, community: Community) -> Content:
        """The SMM's message, or what the post's kind (a poll) sends on this platform."""
        kind = self.kinds.get(post.kind) if post.kind != "message" else None
        if kind is None or post.kind_ref is None:
            return outgoing_content(post, platform, community)
        return await kind.content(post.kind_ref, platform.value, community)

    async def _published(self, post: CalendarPost, delivery: Delivery, message_id: str | None) -> None:
        """Tell the post's kind where it went (a poll opens); a failure there never unpublishes the post."""
        kind = self.kinds.get(post.kind) if post.kind != "message" else None
        if kind is None or post.kind_ref is None or message_id is None:
            return
        try:
            await kind.published(Published(post.kind_ref, delivery.target.platform, delivery.target.channel_id,
                                           message_id, self.clock.now()))
        except Exception:
            log.exception("post %s: its %s could not record where it was published", post.id, post.kind)

    async def _reconcile_one(self, post: CalendarPost, community: Community, delivery: Delivery) -> None:
        platform = PlatformName(delivery.target.platform)
        now = self.clock.now()
        if self.outbox.can(platform, Capability.MESSAGE_LOOKUP):
            since = (delivery.started_at or delivery.due_at) - LOOKUP_MARGIN
            taken = await self.store.run(partial(ledger.message_ids_on, target=delivery.target, since=since))
            found = await self.outbox.send(platform, FindPost(
                channel_id=delivery.target.channel_id, idempotency_key=delivery.idempotency_key, since=since,
                content=await self._content(post, platform, community), taken=taken))
            if found.ok:
                log.info("post %s on %s: found after a crash, marked published", post.id, delivery.target)
                await self.store.run(lambda db: ledger.finish_delivery(
                    db, delivery.id, "published", now, message_id=found.message_id))
                await self._published(post, delivery, found.message_id)
                return
            if found.permanent and now - delivery.due_at <= community.calendar.grace_period:
                log.info("post %s on %s: not on the platform after a crash, sending it", post.id, delivery.target)
                await self.send(post, community, delivery, delivery.due_at + community.calendar.grace_period)
                return
        await self.store.run(lambda db: ledger.finish_delivery(
            db, delivery.id, "uncertain", now, error="interrupted between sending and published"))
        log.warning("post %s on %s: interrupted mid-send, asking the CMs", post.id, delivery.target)
        await self.notices.uncertain(post, community, delivery)

    async def post_missed_now(self, post_id: int, due: datetime) -> int:
        """A CM's "post now" on a missed occurrence; returns how many targets were sent (0: already decided)."""
        rows = await self.store.run(lambda db: ledger.deliveries_of(db, post_id, due))
        missed = [r for r in rows if r.status == "missed"]
        if not missed:
            return 0
        post = await self.store.run(lambda db: ledger.get_post(db, post_id))
        assert post is not None
        if not post.recurring and post.status is Status.MISSED:
            await self.store.run(lambda db: ledger.transition(
                db, post_id, Status.SENDING, SYSTEM, self.clock.now(), action="post_now", expect={Status.MISSED}))
        sent = 0
        results = []
        for row in missed:
            result = await self.resend(row.id, ("missed",))
            if result is not None:
                sent += 1
                results.append(result)
        if not post.recurring and post.status is Status.MISSED:
            final = Status.PUBLISHED if results and all(r.ok for r in results) else Status.FAILED
            changes: dict[str, Any] = {"published_at": self.clock.now()} if final is Status.PUBLISHED else {}
            await self.store.run(lambda db: ledger.transition(
                db, post_id, final, SYSTEM, self.clock.now(), action="done", **changes))
            if final is Status.FAILED:
                await self.kinds.withdraw(post.kind, post.kind_ref, "failed")
        return sent

    async def resend(self, delivery_id: int, from_statuses: tuple[str, ...]) -> ActionResult | None:
        """A CM's decision: send a missed or uncertain occurrence now (None if someone already did)."""
        now = self.clock.now()
        delivery = await self.store.run(lambda db: ledger.reclaim_delivery(db, delivery_id, from_statuses, now,
                                                                           late=True))
        if delivery is None:
            return None
        post = await self.store.run(lambda db: ledger.get_post(db, delivery.post_id))
        assert post is not None
        community = self.directory.by_id(post.community)
        return await self.send(post, community, delivery, now + community.calendar.grace_period)



def _outcome(result: ActionResult, delivery: Delivery, attempts: int) -> Finish:
    """The ledger columns a send's result sets."""
    if result.ok:
        return Finish(delivery.id, "published", message_id=result.message_id, attempts=attempts)
    return Finish(delivery.id, "failed", error=result.error or "unknown error", attempts=attempts)
