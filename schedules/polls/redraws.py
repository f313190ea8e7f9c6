"""Redrawing a poll's button cards (Slack, the console) after votes, at most once per poll every
`polls.card_update_seconds`, the latest count always drawn.

A burst of clicks would otherwise cost one `chat.update` each, and Slack limits that method per workspace: a
busy poll would get rate-limited and slow every other edit of the bot. The first vote after a quiet spell redraws
at once; votes within the next seconds only ask for one redraw at the end of the period, which reads the count
then, so the card always ends on the latest state. Every redraw of a poll, the closing one included, runs under
the poll's lock and checks the poll's status: an open card is never drawn over a closed one. The delayed
redraw is a wake-up carrying only the poll's id; one lost in a restart is made good at start (`redraw_open`).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from functools import partial

from apscheduler.triggers.date import DateTrigger

from bot.actions import EditMessage
from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.platform import Capability
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.polls import polls as ledger
from handlers.polls.cards import button_content


def job_id(poll_id: int) -> str:
    return f"polls:redraw:{poll_id}"


class CardRedraws:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue, wakeups: Wakeups,
                 directory: CommunityDirectory) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.wakeups = wakeups
        self.directory = directory
        self._drawn: dict[int, datetime] = {}  # poll id -> when its cards were last redrawn
        self._pending: set[int] = set()  # polls with a redraw waiting for the end of the period
        self._locks: dict[int, asyncio.Lock] = {}
        self.redraws = 0  # cards edited since start (what the throttle saves is counted, never timed)

    def lock(self, poll_id: int) -> asyncio.Lock:
        return self._locks.setdefault(poll_id, asyncio.Lock())

    async def voted(self, poll_id: int, community: Community) -> None:
        """A vote changed the count: redraw now, or once at the end of the current period."""
        every = timedelta(seconds=community.polls.card_update_seconds)
        if poll_id in self._pending:
            return  # the redraw already asked for will read this vote too
        last = self._drawn.get(poll_id)
        now = self.clock.now()
        if last is None or now - last >= every:
            await self.redraw(poll_id)
            return
        self._pending.add(poll_id)
        self.wakeups.add(job_id(poll_id), DateTrigger(run_date=last + every), partial(self._due, poll_id),
                         misfire_grace=timedelta(days=1))

    async def _due(self, poll_id: int) -> None:
        self._pending.discard(poll_id)
        await self.redraw(poll_id)

    async def redraw(self, poll_id: int, *, final: bool = False) -> None:
        """Draw the poll's button cards from the store: while it is open, or (`final`) once it closed."""
        async with self.lock(poll_id):
            poll = await self.store.run(partial(ledger.get_poll, poll_id=poll_id))
            if poll is None or (poll.status != ledger.OPEN and not final):
                return  # closed meanwhile: the closing redraw shows the final count
            community = self.directory.by_id(poll.community)
            tally = await self.store.run(lambda db: ledger.tally(db, poll))
            for message in await self.store.run(lambda db: ledger.messages_of(db, poll_id)):
                platform = PlatformName(message.platform)
                if self.outbox.can(platform, Capability.NATIVE_POLLS):
                    continue  # the platform draws its own poll
                card = button_content(poll, tally, community, self.catalogue, poll.ends_at or self.clock.now())
                await self.outbox.send(platform, EditMessage(channel_id=message.channel_id,
                                                             message_id=message.message_id, content=card))
                self.redraws += 1
            self._drawn[poll_id] = self.clock.now()
        if final:
            self._pending.discard(poll_id)
            self._drawn.pop(poll_id, None)
            self._locks.pop(poll_id, None)

    async def redraw_open(self) -> None:
        """At start: a delayed redraw does not survive a restart, so every open poll's cards are drawn once."""
        for poll_id, _ in await self.store.run(ledger.open_polls):
            await self.redraw(poll_id)
