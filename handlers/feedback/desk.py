"""The CMs' buttons on an inbox card (`fb:<verb>:<id>`): Acknowledge, Answer (a modal; the reply goes to the
member by direct message, in the channel they wrote from when their DMs are closed) and Done.

Only CMs and admins may use them. Every decision is claimed in the store before it is announced, the card is
redrawn (who, when, the buttons still useful) and the clicker gets an ephemeral answer; a click on a card that is
out of date (already decided, closed, erased) says what happened instead of acting twice. An answer is recorded
only once the platform delivered it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.actions import ActionResult, Answer, Content, DirectMessage, ModalInput, OpenModal
from bot.clock import Clock
from bot.events import ButtonClicked, ModalSubmitted
from bot.handling import Step, Then
from bot.i18n import Catalogue
from bot.roles import Role, may, roles_of
from bot.store import Store
from bot.text import Link, MentionUser, Text
from config.settings import Community
from handlers.feedback import inbox
from handlers.feedback.cards import PREFIX, kind_label, remaining_verbs
from handlers.feedback.intake import storable
from handlers.feedback.show import Cards

HANDLERS = frozenset({Role.CM, Role.ADMIN})
VERBS = ("ack", "answer", "done")
ANSWER_LIMIT = 2000


def parse(custom_id: str) -> tuple[str, int] | None:
    parts = custom_id.split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in VERBS or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


class Desk:
    def __init__(self, store: Store, catalogue: Catalogue, clock: Clock, cards: Cards) -> None:
        self.store = store
        self.catalogue = catalogue
        self.clock = clock
        self.cards = cards

    def _answer(self, event: ButtonClicked | ModalSubmitted, community: Community, key: str, **values) -> Answer:
        text = self.catalogue.text(community.locale, f"feedback.answer.{key}", **values)
        return Answer(interaction=event.interaction, content=Content(text=text))

    async def _checked(self, event: ButtonClicked | ModalSubmitted, community: Community, verb: str,
                       feedback_id: int) -> tuple[inbox.Item | None, list[Step]]:
        """The feedback if `verb` may be done on it now; otherwise the steps that say why not (and redraw the
        card, which was out of date)."""
        if not may(roles_of(event.member, community, event.platform), HANDLERS):
            return None, [self._answer(event, community, "not_cm")]
        item = await self.store.run(lambda db: inbox.get(db, feedback_id))
        if item is None or item.community != community.id:
            return None, [self._answer(event, community, "unknown", id=feedback_id)]
        if verb in remaining_verbs(item):
            return item, []
        return None, [*await self.stale(event, community, item, verb), *await self.cards.redraw(item.id, community)]

    async def stale(self, event: ButtonClicked | ModalSubmitted, community: Community, item: inbox.Item,
                    verb: str) -> list[Step]:
        if verb == "answer" and item.member_id is None and item.status != inbox.DONE:
            return [self._answer(event, community, "author_unknown", id=item.id)]
        history = await self.store.run(lambda db: inbox.decisions(db, item.id))
        wanted = "done" if item.status == inbox.DONE else "ack"
        last = next((d for d in reversed(history) if d.action == wanted), None)
        who = (last.by_name or last.by) if last else "?"
        at = datetime.fromtimestamp(last.at if last else item.created_at, UTC).astimezone(community.tz)
        key = "already_closed" if item.status == inbox.DONE else "already_acknowledged"
        return [self._answer(event, community, key, id=item.id, who=who, at=at)]

    async def on_button(self, event: ButtonClicked, community: Community) -> Sequence[Step]:
        parsed = parse(event.custom_id)
        if parsed is None:
            return []
        verb, feedback_id = parsed
        item, refusal = await self._checked(event, community, verb, feedback_id)
        if item is None:
            return refusal
        if verb == "answer":
            say = self.catalogue.string
            return [OpenModal(interaction=event.interaction, custom_id=f"{PREFIX}:answer:{item.id}",
                              title=say(community.locale, "feedback.modal.answer_title", id=item.id),
                              inputs=(ModalInput("answer", say(community.locale, "feedback.modal.answer"),
                                                 multiline=True, max_length=ANSWER_LIMIT),))]
        at = int(self.clock.now().timestamp())
        decided = await self.store.run(
            lambda db: inbox.decide(db, item.id, verb, event.member.id, event.member.display_name, at))
        if not decided:  # a colleague was faster
            fresh = await self.store.run(lambda db: inbox.get(db, feedback_id))
            if fresh is None:
                return [self._answer(event, community, "unknown", id=feedback_id)]
            return [*await self.stale(event, community, fresh, verb), *await self.cards.redraw(item.id, community)]
        key = "acknowledged" if verb == "ack" else "closed"
        return [*await self.cards.redraw(item.id, community), self._answer(event, community, key, id=item.id)]

    async def on_modal(self, event: ModalSubmitted, community: Community) -> Sequence[Step]:
        parsed = parse(event.custom_id)
        if parsed is None or parsed[0] != "answer":
            return []
        item, refusal = await self._checked(event, community, "answer", parsed[1])
        if item is None or item.member_id is None:
            return refusal
        words = storable(event.values.get("answer") or "")
        if not words:
            return [self._answer(event, community, "answer_missing")]
        if len(words) > ANSWER_LIMIT:
            return [self._answer(event, community, "text_too_long", limit=ANSWER_LIMIT, length=len(words))]
        message = DirectMessage(member_id=item.member_id, content=Content(text=self.reply(item, words, community)),
                                fallback_channel_id=item.channel_id)
        member_id, feedback_id = item.member_id, item.id

        async def delivered(result: ActionResult) -> list[Step]:
            if not result.ok:
                return [self._answer(event, community, "answer_failed", id=feedback_id, error=result.error or "?")]
            at = int(self.clock.now().timestamp())
            await self.store.run(lambda db: inbox.decide(
                db, feedback_id, "answer", event.member.id, event.member.display_name, at, answer=words,
                allowed=(inbox.OPEN, inbox.ACKNOWLEDGED, inbox.DONE)))
            in_channel = result.channel_id is not None and result.channel_id == item.channel_id
            key = "answered_in_channel" if in_channel else "answered"
            return [*await self.cards.redraw(feedback_id, community),
                    self._answer(event, community, key, id=feedback_id, member=item.member_name or member_id)]

        return [Then(message, delivered)]

    def reply(self, item: inbox.Item, words: str, community: Community) -> Text:
        """The team's answer as the member reads it: who it is for (a mention, for when it lands in a channel),
        what it answers, then the CM's words as plain text."""
        locale = community.locale
        received = datetime.fromtimestamp(item.created_at, UTC).astimezone(community.tz)
        if item.source == "command":
            about = self.catalogue.text(locale, "feedback.reply.about_command",
                                        kind=kind_label(self.catalogue, locale, item.kind), at=received)
        else:
            label = self.catalogue.string(locale, "feedback.reply.about_message", at=received)
            about = Text.of(Link(item.link, label)) if item.link else Text.of(label)
        return self.catalogue.text(locale, "feedback.reply.text", member=MentionUser(item.member_id or ""),
                                   community=community.name, about=about, answer=Text.of(words))
