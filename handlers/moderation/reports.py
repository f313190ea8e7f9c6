"""Member reports ("Report to moderators"): a flag like any other, with the reporter kept private.

The reporter's id is stored (moderators may need to see abuse of reports, through the store) but appears on
nothing the reported member can see: not in the warning, not on the card. The reporter gets a private thanks.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import Answer, Content
from bot.events import MessageReported
from bot.handling import Step
from bot.i18n import Catalogue
from config.settings import Community
from handlers.moderation.cards import message_link
from handlers.moderation.flags import FlagDraft, RuleHit, excerpt
from handlers.moderation.queue import Queue


class Reports:
    def __init__(self, queue: Queue, catalogue: Catalogue) -> None:
        self.queue = queue
        self.catalogue = catalogue

    async def on_report(self, event: MessageReported, community: Community) -> Sequence[Step]:
        draft = FlagDraft(
            community=community.id,
            platform=event.platform.value,
            space_id=event.space_id,
            channel_id=event.channel.id,
            message_id=event.message_id,
            member_id=event.reported_member.id,
            severity="medium",
            hits=(RuleHit("report", "medium", False, ""),),
            excerpt=excerpt(event.text),
            link=message_link(event.platform.value, event.space_id, event.channel.id, event.message_id),
            created_at=event.at,
            source="report",
            reporter_id=event.member.id,
        )
        names = {event.reported_member.id: event.reported_member.display_name}

        async def thank(card_shown: bool) -> list[Step]:
            if event.interaction is None:
                return []
            if card_shown:
                text = self.catalogue.text(community.locale, "moderation.report_thanks")
            else:  # never promise a look that nobody can take: say what happened
                text = self.catalogue.text(community.locale, "moderation.report_unseen")
            return [Answer(interaction=event.interaction, content=Content(text=text), ephemeral=True)]

        return await self.queue.raise_flag(draft, community, names, card_shown=thank)
