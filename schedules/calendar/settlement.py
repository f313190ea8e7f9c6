"""What a crash or a CM's decision leaves to settle: ledger rows still `sending` at start-up, missed and uncertain
occurrences sent on a CM's word.

A row still `sending` at start-up means we crashed between the claim and the record: it is looked up on the
platform where the adapter can (`FindPost`: by the key in Slack's message metadata, by author, time and text on
Discord, whose history hides nonces); found, it is marked published; known absent and still within the grace
period, it is sent; otherwise it becomes `uncertain` and the CMs decide. It is never sent blindly again. The
rows and their posts are read in one store trip, however many a kill mid-burst left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import sqlite_utils

from bot.actions import ActionResult, FindPost
from bot.dispatcher import CommunityDirectory
from bot.events import PlatformName
from bot.outbox import Outbox
from bot.platform import Capability
from bot.post_kinds import PostKinds
from bot.store import Store
from config.settings import Community
from handlers.calendar import bulk
from handlers.calendar import posts as ledger
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import SYSTEM, CalendarPost, Delivery, Target
from schedules.calendar.notices import Notices
from schedules.calendar.sending import Sender

log = logging.getLogger(__name__)
LOOKUP_MARGIN = timedelta(minutes=5)
# a row, its post, the message ids taken on its target, whether the post's content changed since the row's claim
Stuck = tuple[Delivery, CalendarPost, frozenset[str] | None, bool]


class Settlement:
    def __init__(self, store: Store, sender: Sender, outbox: Outbox, notices: Notices,
                 directory: CommunityDirectory, kinds: PostKinds, now: Callable[[], datetime]) -> None:
        self.store = store
        self.sender = sender
        self.outbox = outbox
        self.notices = notices
        self.directory = directory
        self.kinds = kinds
        self.now = now

    async def reconcile(self) -> None:
        """At start-up, settle every ledger row a crash left in `sending`: look it up, or report it."""
        can_look_up = {platform for platform in PlatformName
                       if self.outbox.can(platform, Capability.MESSAGE_LOOKUP)}
        stuck = await self.store.run(partial(_stuck, looked_up=can_look_up))
        attributed: dict[Target, set[str]] = {}  # message ids found or sent in this pass, per target
        for delivery, post, taken, revised in stuck:
            community = self.directory.by_id(post.community)
            mine = attributed.setdefault(delivery.target, set())
            message_id = await self._settle(post, community, delivery, None if taken is None else taken | mine,
                                            revised=revised)
            if message_id is not None:
                mine.add(message_id)

    async def _settle(self, post: CalendarPost, community: Community, delivery: Delivery,
                      taken: frozenset[str] | None, *, revised: bool) -> str | None:
        """Settle one row; the message id it was found or sent with, if any. A post edited since the row was
        claimed is looked up without its text (what went out is not what it says now): any message of ours in the
        window then leaves the row to the CMs, and only a window without one lets it be sent."""
        platform = PlatformName(delivery.target.platform)
        now = self.now()
        if taken is not None:
            since = (delivery.started_at or delivery.due_at) - LOOKUP_MARGIN
            found = await self.outbox.send(platform, FindPost(
                channel_id=delivery.target.channel_id, idempotency_key=delivery.idempotency_key, since=since,
                content=None if revised else await self.sender.content(post, platform, community), taken=taken))
            if found.ok:
                log.info("post %s on %s: found after a crash, marked published", post.id, delivery.target)
                await self.store.run(lambda db: ledger.finish_delivery(
                    db, delivery.id, "published", now, message_id=found.message_id))
                await self.sender.published(post, delivery, found.message_id)
                return found.message_id
            if found.permanent and now - delivery.due_at <= community.calendar.grace_period:
                log.info("post %s on %s: not on the platform after a crash, sending it", post.id, delivery.target)
                sent = await self.sender.send(post, community, delivery,
                                              delivery.due_at + community.calendar.grace_period)
                return sent.message_id if sent.ok else None
        await self.store.run(lambda db: ledger.finish_delivery(
            db, delivery.id, "uncertain", now, error="interrupted between sending and published"))
        log.warning("post %s on %s: interrupted mid-send, asking the CMs", post.id, delivery.target)
        await self.notices.uncertain(post, community, delivery)
        return None

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
                db, post_id, Status.SENDING, SYSTEM, self.now(), action="post_now", expect={Status.MISSED}))
        sent = 0
        results = []
        for row in missed:
            result = await self.resend(row.id, ("missed",))
            if result is not None:
                sent += 1
                results.append(result)
        if not post.recurring and post.status is Status.MISSED:
            final = Status.PUBLISHED if results and all(r.ok for r in results) else Status.FAILED
            changes: dict[str, Any] = {"published_at": self.now()} if final is Status.PUBLISHED else {}
            await self.store.run(lambda db: ledger.transition(
                db, post_id, final, SYSTEM, self.now(), action="done", **changes))
            if final is Status.FAILED:
                await self.kinds.withdraw(post.kind, post.kind_ref, "failed")
        return sent

    async def resend(self, delivery_id: int, from_statuses: tuple[str, ...]) -> ActionResult | None:
        """A CM's decision: send a missed or uncertain occurrence now (None if someone already did)."""
        now = self.now()
        delivery = await self.store.run(lambda db: ledger.reclaim_delivery(db, delivery_id, from_statuses, now,
                                                                           late=True))
        if delivery is None:
            return None
        post = await self.store.run(lambda db: ledger.get_post(db, delivery.post_id))
        assert post is not None
        community = self.directory.by_id(post.community)
        return await self.sender.send(post, community, delivery, now + community.calendar.grace_period)


def _stuck(db: sqlite_utils.Database, looked_up: set[PlatformName]) -> list[Stuck]:
    """On the store's thread, in one trip: the rows left `sending`, their posts, and for each row on a platform
    that can look a message up, the message ids already attributed on its target since it started."""
    rows = ledger.deliveries_with_status(db, "sending")
    posts = bulk.get_posts(db, [row.post_id for row in rows])
    revised = {r[0] for r in db.execute(
        "SELECT id FROM calendar_deliveries WHERE status = 'sending' AND revised_while_sending = 1")}
    stuck: list[Stuck] = []
    for row in rows:
        post = posts.get(row.post_id)
        if post is None:
            continue
        taken = None
        if row.target.platform in looked_up:
            taken = ledger.message_ids_on(db, row.target, (row.started_at or row.due_at) - LOOKUP_MARGIN)
        stuck.append((row, post, taken, row.id in revised))
    return stuck
