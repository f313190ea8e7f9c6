"""Telling people about deliveries: the author when a post fails or expires, the CMs when a decision is needed.

The CMs are asked in the community's strategy channel (or the moderation channel) on the first platform of the
post that has one and is running, with buttons whose custom ids start with `cal:`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actions import Button, ButtonStyle, Content, DirectMessage, Post
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.text import Text
from config.settings import Community
from handlers.calendar.posts import CalendarPost, Delivery

log = logging.getLogger(__name__)


def due_token(due: datetime) -> str:
    """The occurrence in a button's custom id (kept short: Discord allows 100 characters)."""
    return f"{due:%Y%m%dT%H%M%S}"


class Notices:
    def __init__(self, outbox: Outbox, catalogue: Catalogue) -> None:
        self.outbox = outbox
        self.catalogue = catalogue

    def _say(self, community: Community, key: str, **values) -> Text:
        return self.catalogue.text(community.locale, key, **values)

    async def tell_author(self, post: CalendarPost, community: Community, key: str, **values) -> None:
        try:
            platform = PlatformName(post.author.platform)
        except ValueError:  # imported from the CLI: nobody to tell on a platform
            log.info("post %s: %s (author %s has no platform)", post.id, key, post.author.member_id)
            return
        text = self._say(community, key, id=str(post.id), **values)
        await self.outbox.send(platform, DirectMessage(member_id=post.author.member_id, content=Content(text=text)))

    def _staff_channel(self, post: CalendarPost, community: Community) -> tuple[PlatformName, str] | None:
        platforms = [t.platform for t in post.targets] + [post.author.platform]
        platforms += [p.value for p in PlatformName]
        for name in dict.fromkeys(platforms):
            space = community.space(name)
            if space is None:
                continue
            channel = space.channels.strategy or space.channels.moderation
            platform = PlatformName(name)
            if channel and self.outbox.has(platform):
                return platform, channel
        return None

    async def ask_staff(self, post: CalendarPost, community: Community, key: str, buttons: tuple[Button, ...],
                        **values) -> None:
        where = self._staff_channel(post, community)
        if where is None:
            log.warning("post %s needs a decision but no strategy or moderation channel is reachable", post.id)
            return
        text = self._say(community, key, id=str(post.id), **values)
        await self.outbox.send(where[0], Post(channel_id=where[1], content=Content(text=text, buttons=buttons)))

    async def missed(self, post: CalendarPost, community: Community, due: datetime) -> None:
        say = self.catalogue.string
        locale = community.locale
        token = f"{post.id}:{due_token(due)}"
        buttons = [Button(f"cal:now:{token}", say(locale, "calendar.button.post_now"), ButtonStyle.PRIMARY)]
        if not post.recurring:
            buttons.append(Button(f"cal:later:{token}", say(locale, "calendar.button.reschedule")))
        buttons.append(Button(f"cal:skip:{token}", say(locale, "calendar.button.skip"), ButtonStyle.DANGER))
        await self.ask_staff(post, community, "calendar.notice.missed", tuple(buttons),
                             due=due.astimezone(ZoneInfo(post.timezone)))

    async def uncertain(self, post: CalendarPost, community: Community, delivery: Delivery) -> None:
        say = self.catalogue.string
        locale = community.locale
        buttons = (
            Button(f"cal:resend:{delivery.id}", say(locale, "calendar.button.resend"), ButtonStyle.PRIMARY),
            Button(f"cal:confirm:{delivery.id}", say(locale, "calendar.button.confirm_sent")),
        )
        await self.ask_staff(post, community, "calendar.notice.uncertain", buttons,
                             target=str(delivery.target), due=delivery.due_at.astimezone(ZoneInfo(post.timezone)))
