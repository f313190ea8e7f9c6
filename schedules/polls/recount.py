"""Setting the live count of native polls right: cmbot's votes against the platform's own voter lists.

On Discord, cmbot counts a native poll from its vote events; a vote cast or withdrawn while the bot was stopped,
or during a gateway gap that was not replayed, is missed, and the live count (`/poll results`, `/poll list`)
drifts from the one Discord shows. Each open native poll is therefore recounted from Discord's voter lists at
start, every `RECOUNT_EVERY`, and before `/poll results` answers. The final count at the end is Discord's own
anyway (`closing.py`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import ReadPollVoters
from bot.clock import Clock
from bot.events import PlatformName
from bot.outbox import Outbox
from bot.platform import Capability
from bot.store import Store
from bot.wakeups import Wakeups
from handlers.polls import polls as ledger

log = logging.getLogger(__name__)
RECOUNT_JOB = "polls:recount"
RECOUNT_EVERY = timedelta(minutes=10)


class PollRecounts:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox

    def register(self, wakeups: Wakeups) -> None:
        wakeups.add(RECOUNT_JOB, IntervalTrigger(seconds=int(RECOUNT_EVERY.total_seconds()),
                                                 start_date=self.clock.now() + RECOUNT_EVERY),
                    self.recount_open, misfire_grace=RECOUNT_EVERY)

    async def recount_open(self) -> int:
        """Every open poll; returns how many votes changed."""
        changed = 0
        for poll_id, _ends in await self.store.run(ledger.open_polls):
            changed += await self.recount(poll_id)
        return changed

    async def recount(self, poll_id: int) -> int:
        """One poll's native messages on the running platforms; returns how many votes changed."""
        poll = await self.store.run(partial(ledger.get_poll, poll_id=poll_id))
        if poll is None or poll.status != ledger.OPEN:
            return 0
        changed = 0
        for message in await self.store.run(lambda db: ledger.messages_of(db, poll_id)):
            platform = PlatformName(message.platform)
            if not self.outbox.can(platform, Capability.NATIVE_POLLS):
                continue
            read = await self.outbox.send(platform, ReadPollVoters(
                channel_id=message.channel_id, message_id=message.message_id, answers=len(poll.answers)))
            if not read.ok or read.voters is None:
                continue  # the next recount, or the platform's final count at the end, sets it right
            added, removed = await self.store.run(partial(ledger.recount, poll=poll, message=message,
                                                          voters=read.voters, now=self.clock.now()))
            if added or removed:
                log.info("poll %s on %s: %d vote(s) the bot had missed, %d withdrawn, now counted as the platform"
                         " counts them", poll_id, message.platform, added, removed)
            changed += added + removed
        return changed
