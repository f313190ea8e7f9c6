"""Approval cards that follow decisions: wherever a post's review card was posted, it shows what became of it.

A post awaiting approval gets a card with Approve / Reject / Edit in the staff channel of the platform it was
submitted from. Its message id is stored, so when anyone decides — by button or by command, on any platform — every
card of that post is edited to say what was decided, by whom and when, and loses its buttons: nobody is left
looking at a button that no longer means anything. A click that still arrives on an old card gets a clear
ephemeral answer from the desk (the post is no longer waiting) and the card is refreshed.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlite_utils

from bot.actions import Content, EditMessage, Post
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from config.settings import Community
from handlers.calendar.dates import moment
from handlers.calendar.posts import CalendarPost
from handlers.calendar.preview import approval_buttons, preview_content

log = logging.getLogger(__name__)
TABLE = "calendar_review_cards"
DECISIONS = ("approved", "rejected", "edited", "cancelled", "expired", "published")


def review_content(post: CalendarPost, community: Community, catalogue: Catalogue) -> Content:
    """The card the CMs decide on: who asks, the preview of each platform, the three buttons."""
    content = preview_content(post, community, catalogue, approval_buttons(post.id, catalogue, community.locale))
    intro = catalogue.text(community.locale, "calendar.notice.review", id=str(post.id), author=post.author.member_id)
    return Content(text=intro, title=content.title, fields=content.fields, attachment_urls=content.attachment_urls,
                   buttons=content.buttons)


def decided_content(post: CalendarPost, community: Community, catalogue: Catalogue, decision: str, who: str,
                    at: datetime) -> Content:
    """The same card once decided: the decision, who and when, the preview kept for the record, no buttons."""
    when = moment(at.astimezone(community.tz), community.locale)
    text = catalogue.text(community.locale, f"calendar.decided.{decision}", id=str(post.id), who=who, when=when)
    card = preview_content(post, community, catalogue)
    return Content(text=text, title=card.title, fields=card.fields, attachment_urls=card.attachment_urls)


def _record(db: sqlite_utils.Database, post_id: int, platform: str, channel_id: str, message_id: str,
            at: datetime) -> None:
    db.table(TABLE).insert({"post_id": post_id, "platform": platform, "channel_id": channel_id,
                      "message_id": message_id, "posted_at": at.isoformat()}, replace=True)


def _take(db: sqlite_utils.Database, post_id: int) -> list[dict]:
    """The open cards of a post, removed from the table: each is closed once."""
    rows = list(db.query(f"SELECT * FROM {TABLE} WHERE post_id = ?", [post_id]))
    db.execute(f"DELETE FROM {TABLE} WHERE post_id = ?", [post_id])
    db.conn.commit()
    return rows


class ReviewCards:
    def __init__(self, store: Store, outbox: Outbox, catalogue: Catalogue) -> None:
        self.store = store
        self.outbox = outbox
        self.catalogue = catalogue

    async def post(self, post: CalendarPost, community: Community, platform: str, at: datetime) -> bool:
        """Post the review card in `platform`'s staff channel (strategy, else moderation); False if it has none."""
        space = community.space(platform)
        channel = space and (space.channels.strategy or space.channels.moderation)
        if not channel or not self.outbox.has(PlatformName(platform)):
            log.warning("post %s awaits approval but %s has no strategy or moderation channel on %s",
                        post.id, community.id, platform)
            return False
        content = review_content(post, community, self.catalogue)
        result = await self.outbox.send(PlatformName(platform), Post(channel_id=channel, content=content))
        if result.ok and result.message_id:
            where = result.channel_id or channel
            message_id = result.message_id
            await self.store.run(lambda db: _record(db, post.id, platform, where, message_id, at))
        return result.ok

    async def follow(self, post: CalendarPost, community: Community, decision: str, who: str,
                     at: datetime) -> int:
        """Edit every open card of `post` to show `decision`; returns how many cards were closed."""
        cards = await self.store.run(lambda db: _take(db, post.id))
        content = decided_content(post, community, self.catalogue, decision, who, at)
        for card in cards:
            platform = PlatformName(card["platform"])
            if not self.outbox.has(platform):
                continue
            result = await self.outbox.send(platform, EditMessage(channel_id=card["channel_id"],
                                                                  message_id=card["message_id"], content=content))
            if not result.ok:
                log.warning("could not close the review card of post %s on %s: %s", post.id, platform,
                            result.error)
        return len(cards)
