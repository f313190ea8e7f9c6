"""Members' votes: a click on an answer's button (Slack, the console) or a native poll's vote event (Discord).

Buttons: one vote per member on single-choice polls (clicking another answer moves the vote, clicking the chosen
one again withdraws it), one per answer on multiple-choice polls; the member gets a private confirmation and the
card's count is redrawn (through `Redraw`: at most once every `polls.card_update_seconds`, the latest count
always drawn). Native votes are recorded as the platform reports them (it enforces the choice rule itself).
Nothing is counted once the poll has ended, even before the closing job has run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.actions import Action, Answer, Content
from bot.clock import Clock
from bot.events import ButtonClicked, PollVoteAdded, PollVoteRemoved
from bot.i18n import Catalogue
from bot.store import Store
from config.settings import Community
from handlers.polls import polls as ledger
from handlers.polls.cards import read_vote_id

Redraw = Callable[[int, Community], Awaitable[None]]  # a vote changed a poll's count: redraw its cards (throttled)


class PollVotes:
    def __init__(self, store: Store, clock: Clock, catalogue: Catalogue, redraw: Redraw) -> None:
        self.store = store
        self.clock = clock
        self.catalogue = catalogue
        self.redraw = redraw

    def _answer(self, event: ButtonClicked, community: Community, key: str, **values: str) -> Answer:
        return Answer(interaction=event.interaction,
                      content=Content(text=self.catalogue.text(community.locale, key, **values)))

    async def on_click(self, event: ButtonClicked, community: Community) -> Sequence[Action]:
        vote = read_vote_id(event.custom_id)
        if vote is None:
            return []
        poll_id, answer = vote
        message = await self.store.run(lambda db: ledger.find_message(db, event.platform.value, event.message_id))
        poll = await self.store.run(lambda db: ledger.get_poll(db, poll_id))
        if message is None or poll is None or message.poll_id != poll_id or poll.community != community.id \
                or not 0 <= answer < len(poll.answers):
            return [self._answer(event, community, "polls.answer.unknown")]
        now = self.clock.now()
        if poll.status != ledger.OPEN or (poll.ends_at is not None and poll.ends_at <= now):
            return [self._answer(event, community, "polls.answer.closed")]
        outcome = await self.store.run(lambda db: ledger.choose(db, poll, message, event.member.id, answer, now))
        await self.redraw(poll.id, community)
        return [self._answer(event, community, f"polls.answer.vote_{outcome}", answer=poll.answers[answer])]

    async def on_vote_added(self, event: PollVoteAdded, community: Community) -> Sequence[Action]:
        await self._native(event, community, added=True)
        return []

    async def on_vote_removed(self, event: PollVoteRemoved, community: Community) -> Sequence[Action]:
        await self._native(event, community, added=False)
        return []

    async def _native(self, event: PollVoteAdded | PollVoteRemoved, community: Community, *, added: bool) -> None:
        message = await self.store.run(lambda db: ledger.find_message(db, event.platform.value, event.message_id))
        if message is None:
            return  # a poll the bot did not post
        poll = await self.store.run(lambda db: ledger.get_poll(db, message.poll_id))
        if poll is None or poll.community != community.id or poll.status != ledger.OPEN:
            return
        answer = event.answer_id - 1  # Discord numbers answers from 1
        now = self.clock.now()
        if added:
            await self.store.run(lambda db: ledger.add_vote(db, poll, message, event.member.id, answer, now))
        else:
            await self.store.run(lambda db: ledger.remove_vote(db, poll, message, event.member.id, answer))
