"""The poll as a kind of calendar post: what the calendar sends when the poll is due, and what publishing does.

On a platform that runs polls itself (`Capability.NATIVE_POLLS`: Discord) the message carries a native poll;
elsewhere (Slack, the console) it is a card with one button per answer. Once a message is out, the poll opens
(its end is counted from the first publication) and the closing wake-up is set. When the calendar withdraws
the post (cancelled, rejected, expired, failed, skipped) the waiting poll is marked withdrawn, and waits again if the
post is rescheduled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from bot.actions import Content
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.platform import Capability
from bot.post_kinds import PostKind, Published, Withdrawal
from bot.store import Store
from config.settings import Community
from handlers.polls import polls as ledger
from handlers.polls.cards import button_content, native_content

KIND = "poll"
ScheduleClose = Callable[[int, datetime], None]


class PollKind:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 schedule_close: ScheduleClose) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.schedule_close = schedule_close

    def post_kind(self) -> PostKind:
        return PostKind(KIND, self.content, self.published, self.withdrawn, self.resubmitted)

    async def content(self, ref: str, platform: str, community: Community) -> Content:
        poll = await self.store.run(partial(ledger.get_poll, poll_id=int(ref)))
        if poll is None:
            raise LookupError(f"poll {ref} is not in the store")
        ends = poll.ends_at or self.clock.now() + poll.duration
        if self.outbox.can(PlatformName(platform), Capability.NATIVE_POLLS):
            return native_content(poll, community, self.catalogue, ends)
        tally = await self.store.run(lambda db: ledger.tally(db, poll))
        return button_content(poll, tally, community, self.catalogue, ends)

    async def published(self, where: Published) -> None:
        poll = await self.store.run(lambda db: ledger.record_message(
            db, int(where.ref), where.platform, where.channel_id, where.message_id, where.at))
        if poll is not None and poll.status == ledger.OPEN and poll.ends_at is not None:
            self.schedule_close(poll.id, poll.ends_at)

    async def withdrawn(self, ref: str, why: Withdrawal) -> None:
        """Its post was cancelled, rejected, expired, failed or skipped: `/poll list` says so instead of "waiting"."""
        now = self.clock.now()
        await self.store.run(lambda db: ledger.withdraw_poll(db, int(ref), why, now))

    async def resubmitted(self, ref: str) -> None:
        await self.store.run(lambda db: ledger.resubmit_poll(db, int(ref)))
