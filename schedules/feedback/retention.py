"""The nightly retention of the feedback inbox, per community.

A feedback's words (the member's text and the team's answer) are erased `feedback.text_days` after it arrived,
and its card is redrawn without them, since the card in the CMs' channel holds the words too; the row itself
(kind, dates, who decided) is deleted after `feedback.keep_days`. The job runs at 03:29 UTC and once at start,
so a bot that was down at that hour still honours the periods.

A feedback deleted for any reason (forget-me, `keep_days`) leaves its card's ids behind (a trigger of the inbox's
table); every few minutes those cards are redrawn as erased, so the member's words do not outlive them in the
CMs' channel. A card the platform cannot reach for now is tried again at the next sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.actions import Content, EditMessage
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Community
from handlers.feedback import inbox
from handlers.feedback.show import Cards

log = logging.getLogger(__name__)
JOB_ID = "feedback:retention"
SWEEP_ID = "feedback:erased-cards"
SWEEP_EVERY = timedelta(minutes=10)


class FeedbackRetention:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, cards: Cards, catalogue: Catalogue,
                 communities: Iterable[Community]) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.cards = cards
        self.catalogue = catalogue
        self.communities = {community.id: community for community in communities}

    async def start(self, wakeups: Wakeups) -> None:
        wakeups.add(JOB_ID, CronTrigger(hour=3, minute=29, timezone="UTC"), self.run,
                    misfire_grace=timedelta(hours=12))
        first = self.clock.now() + SWEEP_EVERY  # the bot's clock, not the wall clock (simulated on the console)
        wakeups.add(SWEEP_ID, IntervalTrigger(seconds=int(SWEEP_EVERY.total_seconds()), start_date=first),
                    self.clear_cards, misfire_grace=SWEEP_EVERY)
        await self.run()

    async def run(self) -> tuple[int, int]:
        """Erase and delete what is due; returns (feedback that lost their words, feedback deleted)."""
        now = int(self.clock.now().timestamp())
        erased = deleted = 0
        for community in self.communities.values():
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
        await self.clear_cards()
        return erased, deleted

    async def clear_cards(self) -> int:
        """Redraw the cards of erased feedback as erased; returns how many were cleared."""
        cleared = 0
        for card in await self.store.run(inbox.erased_cards):
            community = self.communities.get(card.community)
            if community is not None:
                title, text = (self.catalogue.text(community.locale, f"feedback.card.{key}", id=card.feedback_id)
                               for key in ("erased_title", "erased"))
                edit = EditMessage(channel_id=card.channel_id, message_id=card.message_id,
                                   content=Content(title=title, text=text))
                result = await self.outbox.send(PlatformName(card.platform), edit)
                if not result.ok and not result.permanent:
                    continue  # the platform is away: the next sweep tries again
            await self.store.run(partial(inbox.card_cleared, card=card))
            cleared += 1
        return cleared

    async def _redraw(self, item: inbox.Item, community: Community) -> None:
        if not item.card_channel_id or not item.card_message_id:
            return
        history = await self.store.run(lambda db: inbox.decisions(db, item.id))
        content = self.cards.render(item, history, community)
        edit = EditMessage(channel_id=item.card_channel_id, message_id=item.card_message_id, content=content)
        await self.outbox.send(PlatformName(item.platform), edit)
