"""A member answers: a score button, then the optional comment modal, or "do not ask me again".

A click on a score stores it at once (one answer per member and survey; a new click changes it until the
survey closes) and opens the comment modal, prefilled with the comment already given: closing the modal keeps
the score. Every answer is ephemeral, seen by the member only. A DM survey answers only the members it was
sent to; a channel survey, anyone who sees it (staff included: their score counts like anyone's). A member who
opted out of surveys is not recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import Action, Answer, Content, OpenModal
from bot.clock import Clock
from bot.events import ButtonClicked, ModalSubmitted
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.store import Store
from bot.templates import Value
from config.settings import Community
from handlers.surveys import ledger
from handlers.surveys.messages import PREFIX, comment_inputs, comment_modal_id
from handlers.surveys.text import clean_comment


class SurveyAnswers:
    def __init__(self, store: Store, clock: Clock, catalogue: Catalogue, optouts: OptOuts) -> None:
        self.store = store
        self.clock = clock
        self.catalogue = catalogue
        self.optouts = optouts

    def _answer(self, event: ButtonClicked | ModalSubmitted, community: Community, key: str,
                **values: Value) -> list[Action]:
        text = self.catalogue.text(community.locale, key, **values)
        return [Answer(interaction=event.interaction, content=Content(text=text))]

    async def _survey_for(self, event: ButtonClicked | ModalSubmitted, community: Community,
                          survey_id: int) -> tuple[ledger.Survey | None, list[Action]]:
        """The survey if this member may answer it now, else the ephemeral reason why not."""
        survey = await self.store.run(lambda db: ledger.get(db, survey_id))
        if survey is None or survey.community != community.id:
            return None, self._answer(event, community, "surveys.answer.unknown")
        if survey.status != "open":
            return None, self._answer(event, community, "surveys.answer.closed")
        platform, member_id = event.platform.value, event.member.id
        if survey.delivery == "dm":
            sent = await self.store.run(lambda db: ledger.was_sent_to(db, survey.id, platform, member_id))
            if not sent:
                return None, self._answer(event, community, "surveys.answer.not_for_you")
        return survey, []

    async def on_click(self, event: ButtonClicked, community: Community) -> Sequence[Action]:
        parts = event.custom_id.split(":")
        if parts[0] != PREFIX or len(parts) < 3 or not parts[2].isdigit():
            return []
        survey_id, platform, member_id = int(parts[2]), event.platform.value, event.member.id
        if parts[1] == "o":
            now = int(self.clock.now().timestamp())
            await self.store.run(lambda db: ledger.set_opt_out_linked(db, community.id, platform, member_id, True,
                                                                       now))
            return self._answer(event, community, "surveys.answer.opted_out")
        if parts[1] != "s" or len(parts) != 4:
            return []
        try:
            score = int(parts[3])
        except ValueError:
            return []
        survey, refusal = await self._survey_for(event, community, survey_id)
        if survey is None:
            return refusal
        low, high = survey.scale
        if not low <= score <= high:
            return []
        opted_out = await self.store.run(lambda db: ledger.is_opted_out(db, community.id, platform, member_id))
        if opted_out or self.optouts.is_opted_out(community.id, platform, member_id):
            return self._answer(event, community, "surveys.answer.you_opted_out")
        now = int(event.at.timestamp())  # when the member answered (a late delivery keeps its time)
        await self.store.run(lambda db: ledger.record_answer(db, survey, platform, member_id, score, now))
        current = await self.store.run(lambda db: ledger.answer_of(db, survey.id, platform, member_id))
        locale = community.locale
        title = self.catalogue.string(locale, "surveys.modal.title", score=score)
        return [OpenModal(interaction=event.interaction, custom_id=comment_modal_id(survey.id), title=title[:45],
                          inputs=comment_inputs(self.catalogue, locale, community.surveys.comment_max,
                                                current[1] if current else ""))]

    async def on_modal(self, event: ModalSubmitted, community: Community) -> Sequence[Action]:
        parts = event.custom_id.split(":")
        if parts[0] != PREFIX or len(parts) != 3 or parts[1] != "c" or not parts[2].isdigit():
            return []
        survey, refusal = await self._survey_for(event, community, int(parts[2]))
        if survey is None:
            return refusal
        platform, member_id = event.platform.value, event.member.id
        comment = clean_comment(event.values.get("comment", ""), community.surveys.comment_max)
        now = int(event.at.timestamp())
        stored = await self.store.run(
            lambda db: ledger.record_comment(db, survey.id, platform, member_id, comment, now))
        if not stored:  # the score was erased in between (forget-me): nothing to attach the comment to
            return self._answer(event, community, "surveys.answer.no_score")
        return self._answer(event, community, "surveys.answer.thanks_comment" if comment else "surveys.answer.thanks")
