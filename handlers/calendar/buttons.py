"""Buttons and modals of the calendar (custom ids `cal:<verb>:<args>`).

On a preview: approve, reject (a modal asks the reason), edit (a modal with the body). On a missed-post
notice: post now, reschedule (a modal asks the time), skip. On a crash notice: send it, or confirm it was
published. Only SMMs, CMs and admins may click; every decision edits the card so nobody decides twice, and
the store's compare-and-set makes a double click harmless anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from bot.actions import Action, ActionResult, Answer, Content, DirectMessage, EditMessage, ModalInput, OpenModal
from bot.events import ButtonClicked, ModalSubmitted
from bot.i18n import Catalogue
from bot.roles import may, roles_of
from bot.store import Store
from bot.text import Text
from config.settings import Community
from handlers.calendar import posts as ledger
from handlers.calendar.commands import STAFF, problems_text
from handlers.calendar.desk import Desk, Outcome
from handlers.calendar.drafting import read_content, read_draft, read_schedule
from handlers.calendar.posts import Actor
from handlers.calendar.preview import outcome_text


class Decisions(Protocol):
    """What the delivery side offers the CMs' buttons (implemented by the publisher)."""

    async def post_missed_now(self, post_id: int, due: datetime) -> int: ...

    async def resend(self, delivery_id: int, from_statuses: tuple[str, ...]) -> ActionResult | None: ...


def parse_due(token: str) -> datetime:
    return datetime.strptime(token, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


class CalendarButtons:
    def __init__(self, desk: Desk, decisions: Decisions, store: Store, catalogue: Catalogue) -> None:
        self.desk = desk
        self.decisions = decisions
        self.store = store
        self.catalogue = catalogue

    def _answer(self, event: ButtonClicked | ModalSubmitted, community: Community, text: Text) -> Answer:
        return Answer(interaction=event.interaction, content=Content(text=text))

    def _say(self, community: Community, key: str, **values) -> Text:
        return self.catalogue.text(community.locale, key, **values)

    def _outcome(self, event, community: Community, outcome: Outcome) -> list[Action]:
        if outcome.problems:
            return [self._answer(event, community, problems_text(outcome, self.catalogue, community.locale))]
        text = outcome_text(self.catalogue, community.locale, outcome.key, outcome.values)
        return [self._answer(event, community, text)]

    def _close_card(self, event: ButtonClicked, community: Community, key: str, **values) -> EditMessage:
        text = self._say(community, key, who=event.member.display_name, **values)
        return EditMessage(channel_id=event.channel.id if event.channel else "", message_id=event.message_id,
                           content=Content(text=text))

    def _modal(self, event: ButtonClicked, community: Community, custom_id: str, title_key: str,
               inputs: tuple[ModalInput, ...]) -> OpenModal:
        return OpenModal(interaction=event.interaction, custom_id=custom_id,
                         title=self.catalogue.string(community.locale, title_key), inputs=inputs)

    async def on_click(self, event: ButtonClicked, community: Community) -> Sequence[Action]:
        parts = event.custom_id.split(":")
        if parts[0] != "cal" or len(parts) < 3:
            return []
        if not may(roles_of(event.member, community, event.platform), STAFF):
            return [self._answer(event, community, self._say(community, "calendar.answer.staff_only"))]
        verb, actor = parts[1], Actor(event.platform.value, event.member.id, event.member.display_name)
        try:
            number = int(parts[2])
        except ValueError:
            return []
        label = self.catalogue.string
        locale = community.locale
        if verb == "approve":
            outcome = await self.desk.approve(number, actor, community)
            return self._outcome(event, community, outcome)
        if verb == "reject":
            return [self._modal(event, community, f"cal:reject:{number}", "calendar.modal.reject_title",
                                (ModalInput("reason", label(locale, "calendar.option.reason"), True),))]
        if verb == "edit":
            post = await self.store.run(lambda db: ledger.get_post(db, number))
            body = post.body if post else ""
            return [self._modal(event, community, f"cal:edit:{number}", "calendar.modal.edit_title",
                                (ModalInput("body", label(locale, "calendar.option.body"), True, default=body,
                                            max_length=4000),))]
        if verb in {"now", "later", "skip"} and len(parts) == 4:
            return await self._missed(event, community, verb, number, parse_due(parts[3]))
        if verb in {"resend", "confirm"}:
            return await self._uncertain(event, community, verb, number)
        return []

    async def _missed(self, event: ButtonClicked, community: Community, verb: str, post_id: int,
                      due: datetime) -> list[Action]:
        if verb == "later":
            label = self.catalogue.string(community.locale, "calendar.option.at")
            return [self._modal(event, community, f"cal:later:{post_id}", "calendar.modal.reschedule_title",
                                (ModalInput("at", label),))]
        if verb == "skip":
            skipped = await self.store.run(lambda db: ledger.skip_missed(db, post_id, self.desk.clock.now(), due))
            if not skipped:
                return [self._answer(event, community, self._say(community, "calendar.answer.already_decided"))]
            post = await self.store.run(lambda db: ledger.get_post(db, post_id))
            if post is not None and not post.recurring:  # its one occurrence will not go out: a poll says so
                await self.desk.kinds.withdraw(post.kind, post.kind_ref, "skipped")
            return [self._answer(event, community, self._say(community, "calendar.answer.skipped", id=str(post_id))),
                    self._close_card(event, community, "calendar.card.skipped", id=str(post_id))]
        sent = await self.decisions.post_missed_now(post_id, due)
        if not sent:
            return [self._answer(event, community, self._say(community, "calendar.answer.already_decided"))]
        return [self._answer(event, community, self._say(community, "calendar.answer.sent_now", id=str(post_id))),
                self._close_card(event, community, "calendar.card.sent_now", id=str(post_id))]

    async def _uncertain(self, event: ButtonClicked, community: Community, verb: str,
                         delivery_id: int) -> list[Action]:
        delivery = await self.store.run(lambda db: ledger.get_delivery(db, delivery_id))
        if delivery is None or delivery.status != "uncertain":
            return [self._answer(event, community, self._say(community, "calendar.answer.already_decided"))]
        post_id = str(delivery.post_id)
        if verb == "confirm":
            await self.store.run(lambda db: ledger.finish_delivery(db, delivery_id, "published",
                                                                   self.desk.clock.now(), error=None))
            return [self._answer(event, community, self._say(community, "calendar.answer.confirmed", id=post_id)),
                    self._close_card(event, community, "calendar.card.confirmed", id=post_id)]
        result = await self.decisions.resend(delivery_id, ("uncertain",))
        if result is None:
            return [self._answer(event, community, self._say(community, "calendar.answer.already_decided"))]
        key = "calendar.answer.sent_now" if result.ok else "calendar.answer.failed"
        return [self._answer(event, community, self._say(community, key, id=post_id)),
                self._close_card(event, community, "calendar.card.sent_now", id=post_id)]

    async def on_modal(self, event: ModalSubmitted, community: Community) -> Sequence[Action]:
        parts = event.custom_id.split(":")
        if parts[0] != "cal" or len(parts) < 2:
            return []
        if not may(roles_of(event.member, community, event.platform), STAFF):
            return [self._answer(event, community, self._say(community, "calendar.answer.staff_only"))]
        actor = Actor(event.platform.value, event.member.id, event.member.display_name)
        values = {k: v for k, v in event.values.items() if v}
        if parts[1] == "draft":
            draft, problems = read_draft(values, community=community.id, author=actor, zone=community.timezone,
                                         default_platform=event.platform.value, now=self.desk.clock.now(),
                                         locale=community.locale)
            if draft is None:
                return self._outcome(event, community, Outcome(False, "calendar.answer.invalid",
                                                               problems=tuple(problems)))
            return self._outcome(event, community, await self.desk.create(draft, community))
        if len(parts) != 3 or not parts[2].isdigit():
            return []
        post_id = int(parts[2])
        if parts[1] == "reject":
            outcome = await self.desk.reject(post_id, actor, community, values.get("reason", ""))
            actions = self._outcome(event, community, outcome)
            if outcome.ok and outcome.post and outcome.post.author.platform == event.platform.value:
                text = self._say(community, "calendar.notice.rejected", id=str(post_id),
                                 reason=outcome.post.rejected_reason or "", who=event.member.display_name)
                actions.append(DirectMessage(member_id=outcome.post.author.member_id, content=Content(text=text)))
            return actions
        if parts[1] == "edit":
            content, problems = read_content(values, event.platform.value)
            if problems:
                return self._outcome(event, community, Outcome(False, "calendar.answer.invalid",
                                                               problems=tuple(problems)))
            return self._outcome(event, community, await self.desk.edit(post_id, actor, community, content))
        if parts[1] == "later":
            schedule, problems = read_schedule(values, community.timezone, now=self.desk.clock.now(),
                                               locale=community.locale)
            if problems:
                return self._outcome(event, community, Outcome(False, "calendar.answer.invalid",
                                                               problems=tuple(problems)))
            return self._outcome(event, community, await self.desk.reschedule(post_id, actor, community, schedule))
        return []
