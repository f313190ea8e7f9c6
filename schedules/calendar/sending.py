"""One send of a claimed ledger row: the platform calls, bounded in flight, retried within the deadline, and what
follows the outcome (the post's kind told where it went, or its author told why it failed).

The row was claimed (`sending`) before we are called, so exactly-once is the ledger's business; here every call,
with the platform library's own retries and `Retry-After` waits, ends by the deadline, and a failure the library
already retried is reported at once, so our retries and the library's never multiply. At most
`SENDS_PER_PLATFORM` calls are in flight on one platform, however many posts fall due together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from bot.actions import ActionResult, Content, Post
from bot.clock import Clock
from bot.deadline import within
from bot.events import PlatformName
from bot.outbox import Outbox
from bot.post_kinds import PostKinds, Published
from config.settings import Community
from handlers.calendar import posts as ledger
from handlers.calendar.bulk import Finish
from handlers.calendar.posts import CalendarPost, Delivery
from handlers.calendar.preview import outgoing_content
from schedules.calendar.notices import Notices
from schedules.calendar.trips import Trips

log = logging.getLogger(__name__)
SENDS_PER_PLATFORM = 8  # platform calls in flight at once on one platform, however many posts fall due together
Sleep = Callable[[float], Awaitable[None]]


class Sender:
    def __init__(self, trips: Trips, clock: Clock, outbox: Outbox, notices: Notices, kinds: PostKinds,
                 sleep: Sleep, stopping: Callable[[], bool]) -> None:
        self.trips = trips
        self.clock = clock
        self.outbox = outbox
        self.notices = notices
        self.kinds = kinds
        self.sleep = sleep
        self.stopping = stopping  # true once a clean stop began: a stoppable send not yet called is not made
        self._slots: dict[PlatformName, asyncio.Semaphore] = {}  # bounds the platform calls in flight

    async def send(self, post: CalendarPost, community: Community, delivery: Delivery,
                   deadline: datetime) -> ActionResult:
        """Send a claimed row and record its outcome (a CM's resend, a send after a crash's look-up)."""
        sent = await self.attempt(post, community, delivery, deadline)
        assert sent is not None  # not stoppable: always attempted
        result, attempts = sent
        finish = outcome(result, delivery, attempts)
        await self.trips.run(partial(ledger.finish_delivery, delivery_id=delivery.id, status=finish.status,
                                     now=self.clock.now(), message_id=finish.message_id, error=finish.error,
                                     attempts=attempts))
        await self.after(post, community, delivery, result)
        return result

    def slot(self, platform: PlatformName) -> asyncio.Semaphore:
        """The platform's slots: whoever makes a call on it holds one (`SENDS_PER_PLATFORM` in all)."""
        slot = self._slots.get(platform)
        if slot is None:
            slot = self._slots[platform] = asyncio.Semaphore(SENDS_PER_PLATFORM)
        return slot

    async def attempt(self, post: CalendarPost, community: Community, delivery: Delivery, deadline: datetime,
                      *, stoppable: bool = False, content: Content | None = None,
                      first: ActionResult | None = None) -> tuple[ActionResult, int] | None:
        """The platform calls for a claimed row, retrying transient failures with backoff until `deadline`; the
        result and the attempts made. A `stoppable` send whose turn comes after the stop began returns None,
        never called. `first`: the result of a call already made for it (an instant's plain post), so only the
        retries are left."""
        platform = PlatformName(delivery.target.platform)
        if content is None:  # not rendered ahead
            content = await self.content(post, platform, community)
        action = Post(channel_id=delivery.target.channel_id, content=content,
                      idempotency_key=delivery.idempotency_key)
        settings = community.calendar
        backoff = settings.retry_base_seconds
        attempt = delivery.attempts
        slot = self.slot(platform)
        while True:
            if first is not None:
                result, first = first, None
                attempt += 1
            else:
                async with slot:
                    if stoppable and attempt == delivery.attempts and self.stopping():
                        return None
                    attempt += 1
                    with within((deadline - self.clock.now()).total_seconds()):  # the library's retries too
                        result = await self.outbox.send(platform, action)
            if result.ok:
                return result, attempt
            out_of_time = self.clock.now() + timedelta(seconds=backoff) > deadline
            if result.permanent or result.retried or attempt > settings.max_retries or out_of_time:
                return result, attempt
            log.info("post %s on %s: %s; retrying in %.1f s", post.id, delivery.target, result.error, backoff)
            await self.sleep(backoff)
            backoff *= 2

    async def after(self, post: CalendarPost, community: Community, delivery: Delivery,
                    result: ActionResult) -> None:
        """Once the outcome is recorded: tell the post's kind where it went, or tell the author why it failed."""
        if result.ok:
            await self.published(post, delivery, result.message_id)
            return
        await self.notices.tell_author(post, community, "calendar.notice.failed", target=str(delivery.target),
                                       reason=result.error or "unknown error")

    async def content(self, post: CalendarPost, platform: PlatformName, community: Community) -> Content:
        """The SMM's message, or what the post's kind (a poll) sends on this platform."""
        kind = self.kinds.get(post.kind) if post.kind != "message" else None
        if kind is None or post.kind_ref is None:
            return outgoing_content(post, platform, community)
        return await kind.content(post.kind_ref, platform.value, community)

    async def published(self, post: CalendarPost, delivery: Delivery, message_id: str | None) -> None:
        """Tell the post's kind where it went (a poll opens); a failure there never unpublishes the post."""
        kind = self.kinds.get(post.kind) if post.kind != "message" else None
        if kind is None or post.kind_ref is None or message_id is None:
            return
        try:
            await kind.published(Published(post.kind_ref, delivery.target.platform, delivery.target.channel_id,
                                           message_id, self.clock.now()))
        except Exception:
            log.exception("post %s: its %s could not record where it was published", post.id, post.kind)


def outcome(result: ActionResult, delivery: Delivery, attempts: int) -> Finish:
    """The ledger columns a send's result sets."""
    if result.ok:
        return Finish(delivery.id, "published", message_id=result.message_id, attempts=attempts)
    return Finish(delivery.id, "failed", error=result.error or "unknown error", attempts=attempts)
