"""Posts still awaiting approval when their time comes expire: they are never sent unapproved.

The author is told, so they can reschedule and ask again, and the post's approval cards are closed: edited to
say it expired without a decision, their buttons gone, so no CM approves a post whose time has passed. Called by
the post's own wake-up and by the sweep.
"""

from __future__ import annotations

from datetime import datetime

from bot.post_kinds import PostKinds
from bot.store import Store
from config.settings import Community
from handlers.calendar import posts as ledger
from handlers.calendar.cards import ReviewCards
from handlers.calendar.lifecycle import Status, TransitionRefused
from handlers.calendar.posts import SYSTEM, CalendarPost
from schedules.calendar.notices import Notices


async def expire_if_due(store: Store, notices: Notices, post: CalendarPost, community: Community,
                        now: datetime, cards: ReviewCards | None = None, kinds: PostKinds | None = None) -> bool:
    """Expire `post` if it is still pending approval at or after its time; True when it expired now."""
    if post.status is not Status.PENDING or post.next_due_at is None or post.next_due_at > now:
        return False
    try:
        await store.run(lambda db: ledger.transition(
            db, post.id, Status.EXPIRED, SYSTEM, now, action="expire", expect={Status.PENDING}, next_due_at=None))
    except TransitionRefused:  # approved or cancelled a moment ago
        return False
    if kinds is not None:
        await kinds.withdraw(post.kind, post.kind_ref, "expired")
    if cards is not None:
        expired = await store.run(lambda db: ledger.get_post(db, post.id)) or post
        await cards.follow(expired, community, "expired", SYSTEM.shown, now)
    await notices.tell_author(post, community, "calendar.notice.expired")
    return True
