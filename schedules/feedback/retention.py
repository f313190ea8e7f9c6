"""The nightly retention of the feedback inbox, per community.

A feedback's words (the member's text and the team's answer) are erased `feedback.text_days` after it arrived,
and its card is redrawn without them, since the card in the CMs' channel holds the words too; the row itself
(kind, dates, who decided) is deleted after `feedback.keep_days`. The job runs at 03:29 UTC and once at start,
so a bot that was down at that hour still honours the periods.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger

from bot.actions import EditMessage
from bot.clock import Clock
from bot.events import PlatformName
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.feedback import inbox
from handlers.feedback.show import Cards

log = logging.getLogger(__name__)
JOB_ID = "feedback:retention"


class FeedbackRetention:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, cards: Cards,
                 communities: Iterable[Community]) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.cards = cards
        self.communities = list(communities)

    async def start(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(hour=3, minute=29, timezone="UTC"), self.run,
                    misfire_grace=timedelta(hours=12))
        await self.run()

    async def run(self) -> tuple[int, int]:
        """Erase and delete what is due; returns (feedback that lost their words, feedback deleted)."""
        now = int(self.clock.now().timestamp())
        erased = deleted = 0
        for community in self.communities:
            settings = community.feedback
            words_before = now - settings.text_days * 86_400
            rows_before = now - settings.keep_days * 86_400
            gone = await self.store.run(partial(inbox.delete_before, community=community.id, before=rows_before))
            items = await self.store.run(partial(inbox.erase_words, community=community.id, before=words_before,
                                                 now=now))
            for item in items:
                await self._redraw(item, community)
            if gone or items:
                log.info("feedback: %s: erased the words of %d, deleted %d past retention", community.id,
                         len(items), gone)
            erased, deleted = erased + len(items), deleted + gone
        return erased, deleted

    async def _redraw(self, item: inbox.Item, community: Community) -> None:
        if not item.card_channel_id or not item.card_message_id:
            return
        history = await self.store.run(lambda db: inbox.decisions(db, item.id))
        content = self.cards.render(item, history, community)
        edit = EditMessage(channel_id=item.card_channel_id, message_id=item.card_message_id, content=content)
        await self.outbox.send(PlatformName(item.platform), edit)
