"""Posting and redrawing inbox cards: the one place that knows where a card goes and how it is remembered.

A new feedback's card is posted in the platform's inbox channel (`channels.inbox`, else the moderation channel,
where the CMs already look), and its message id is stored once the platform gives it, so every later decision
edits the same card. With no channel configured the feedback is still stored and counted; a warning says why no
card appeared.
"""

from __future__ import annotations

import logging

from bot.actions import ActionResult, Content, EditMessage, Post
from bot.handling import Step, Then
from bot.i18n import Catalogue
from bot.store import Store
from config.settings import Community
from handlers.feedback import inbox
from handlers.feedback.cards import feedback_card

log = logging.getLogger(__name__)


def inbox_channel(community: Community, platform: str) -> str | None:
    space = community.space(platform)
    if space is None:
        return None
    return space.channels.inbox or space.channels.moderation


class Cards:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self.store = store
        self.catalogue = catalogue

    async def content(self, feedback_id: int, community: Community) -> tuple[inbox.Item, Content] | None:
        item, history = await self.store.run(
            lambda db: (inbox.get(db, feedback_id), inbox.decisions(db, feedback_id)))
        if item is None:
            return None
        return item, self.render(item, history, community)

    def render(self, item: inbox.Item, history: list[inbox.Decision], community: Community) -> Content:
        return feedback_card(item, history, self.catalogue, community.locale, tz=community.tz,
                             text_days=community.feedback.text_days)

    def post(self, item: inbox.Item, community: Community) -> list[Step]:
        """The steps that post a new feedback's card and remember where it is.

        `item` is the feedback as just stored (`inbox.take`): a new one has no decision yet, so drawing its card
        needs no other read."""
        feedback_id = item.id
        channel = inbox_channel(community, item.platform)
        if channel is None:
            log.warning("feedback %s: no inbox or moderation channel set for %s on %s", feedback_id, community.id,
                        item.platform)
            return []
        content = self.render(item, [], community)

        async def remember(result: ActionResult) -> list[Step]:
            if result.ok and result.message_id:
                where, message = result.channel_id or channel, result.message_id
                # no one waits on it: it rides on the store's next trip, before any read of the card
                self.store.later(lambda db: inbox.set_card(db, feedback_id, where, message))
            return []

        return [Then(Post(channel_id=channel, content=content), remember)]

    async def redraw(self, feedback_id: int, community: Community) -> list[Step]:
        """The step that edits a feedback's card to its current state (none when it has no card)."""
        shown = await self.content(feedback_id, community)
        if shown is None:
            return []
        item, content = shown
        if not item.card_channel_id or not item.card_message_id:
            return []
        return [EditMessage(channel_id=item.card_channel_id, message_id=item.card_message_id, content=content)]
