"""`/poll …`: the SMM or CM asks a question; the calendar publishes it (at once, or at `at=` after approval).

`/poll new` checks the poll, stores it and hands it to the content calendar as a post of kind "poll", so a
scheduled poll follows the same approval and exactly-once delivery as any post (`/post list`, `/post approve`,
`/post cancel` apply to it). `/poll close` ends a poll early, `/poll results` shows its count privately, and
`/poll list` the community's polls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.actions import Action, Answer
from bot.clock import Clock
from bot.commands import CommandSpec, Invocation, OptionKind, OptionSpec
from bot.post_kinds import KindDraft, PostKinds, Submitted
from bot.roles import Role
from bot.store import Store
from bot.text import Text, join
from handlers.calendar.dates import AmbiguousWhen, UnreadableWhen, read_when
from handlers.calendar.validation import CAMPAIGN, parse_targets
from handlers.polls import polls as ledger
from handlers.polls.cards import list_line, results_content, summary, when
from handlers.polls.drafting import read_poll
from handlers.polls.kind import KIND

STAFF = frozenset({Role.SMM, Role.CM})
CloseNow = Callable[[int], Awaitable[str]]  # a poll id -> the catalogue key saying what happened
Recount = Callable[[int], Awaitable[object]]  # `PollRecounts.recount`: a poll id


def _opt(name: str, kind: OptionKind = OptionKind.STRING, required: bool = False, **extra) -> OptionSpec:
    return OptionSpec(name, f"polls.option.{name}", kind, required, **extra)


ID = _opt("id", OptionKind.INTEGER, required=True)
NEW_OPTIONS = (
    _opt("question", required=True, max_length=1000), _opt("answers", required=True, max_length=2000),
    _opt("duration"), _opt("multiple", OptionKind.BOOLEAN), _opt("to"), _opt("at"), _opt("campaign"),
)


class PollCommands:
    def __init__(self, store: Store, clock: Clock, kinds: PostKinds, close_now: CloseNow,
                 recount: Recount | None = None) -> None:
        self.store = store
        self.clock = clock
        self.kinds = kinds
        self.close_now = close_now
        self.recount = recount  # an open native poll's count set to the platform's own before it is shown

    def specs(self) -> list[CommandSpec]:
        def spec(path: tuple[str, ...], key: str, run, options=(), slow=False) -> CommandSpec:
            return CommandSpec(path, key, self._enabled_only(run), STAFF, options, slow)

        return [
            spec(("poll", "new"), "polls.command.new", self.new, NEW_OPTIONS, slow=True),
            spec(("poll", "close"), "polls.command.close", self.close, (ID,), slow=True),
            spec(("poll", "results"), "polls.command.results", self.results, (ID,)),
            spec(("poll", "list"), "polls.command.list", self.list, (_opt("limit", OptionKind.INTEGER),)),
        ]

    @staticmethod
    def _enabled_only(run):
        async def guarded(invocation: Invocation) -> Sequence[Action]:
            if not invocation.community.polls.enabled:
                return [invocation.answer("polls.answer.disabled")]
            return await run(invocation)

        return guarded

    def _refusal(self, invocation: Invocation, problems: Sequence[tuple[str, dict]]) -> list[Action]:
        lines: list[Text | str] = [invocation.say("polls.answer.invalid")]
        lines += [Text.of("• ", invocation.say(key, **values)) for key, values in problems]
        return [invocation.answer(join(lines))]

    async def new(self, invocation: Invocation) -> Sequence[Action]:
        options, community, event = invocation.options, invocation.community, invocation.event
        draft, found = read_poll(str(options["question"]), str(options["answers"]),
                                 str(options.get("duration") or "") or None, bool(options.get("multiple", False)),
                                 community.polls)
        problems: list[tuple[str, dict]] = [(p.key, p.values) for p in found]
        publish_at = self._when(str(options.get("at") or ""), invocation, problems)
        campaign = str(options.get("campaign") or "") or None
        if campaign is not None and not CAMPAIGN.match(campaign):
            problems.append(("calendar.invalid.campaign", {"campaign": campaign}))
        default_channel = event.channel.id if event.channel else ""
        targets = parse_targets(str(options.get("to") or default_channel), event.platform.value)
        if not targets:
            problems.append(("polls.invalid.no_channel", {}))
        if problems or draft is None:
            return self._refusal(invocation, problems)
        now = self.clock.now()
        poll_id = await self.store.run(lambda db: ledger.create_poll(
            db, community=community.id, question=draft.question, answers=draft.answers, multiple=draft.multiple,
            duration=draft.duration, author_platform=event.platform.value, author_id=event.member.id,
            campaign=campaign, now=now))
        submitted = await self.kinds.submit_post(KindDraft(
            community=community.id, kind=KIND, ref=str(poll_id),
            summary=summary(draft.question, draft.answers, draft.multiple, draft.duration, community.locale,
                            invocation.catalogue),
            author_platform=event.platform.value, author_id=event.member.id, author_name=event.member.display_name,
            targets=tuple((t.platform, t.channel_id) for t in targets), timezone=community.timezone,
            publish_at=publish_at, campaign=campaign), community)
        if submitted.post_id is None:
            await self.store.run(lambda db: ledger.discard_poll(db, poll_id))
            return self._refusal(invocation, submitted.problems or ((submitted.key, submitted.values),))
        post_id = submitted.post_id
        await self.store.run(lambda db: ledger.set_calendar_post(db, poll_id, post_id))
        return [self._created(invocation, poll_id, submitted)]

    def _when(self, text: str, invocation: Invocation, problems: list[tuple[str, dict]]) -> datetime | None:
        if not text.strip():
            return None
        try:
            return read_when(text, invocation.community.timezone, self.clock.now(), invocation.locale)
        except (AmbiguousWhen, UnreadableWhen):
            problems.append(("calendar.invalid.at", {"value": text}))
        return None

    def _created(self, invocation: Invocation, poll_id: int, submitted: Submitted) -> Answer:
        outcome = invocation.say(submitted.key, **submitted.values)
        if submitted.problems:  # created but not published (a platform refused): say why
            outcome = join([outcome, *(Text.of("• ", invocation.say(k, **v)) for k, v in submitted.problems)])
        return invocation.answer("polls.answer.created", poll=str(poll_id), outcome=outcome)

    async def _mine(self, invocation: Invocation) -> ledger.Poll | None:
        poll_id = int(invocation.options["id"])
        poll = await self.store.run(lambda db: ledger.get_poll(db, poll_id))
        return poll if poll is not None and poll.community == invocation.community.id else None

    async def close(self, invocation: Invocation) -> Sequence[Action]:
        poll = await self._mine(invocation)
        if poll is None:
            return [invocation.answer("polls.answer.not_found", id=str(invocation.options["id"]))]
        if poll.status == ledger.WAITING:
            return [invocation.answer("polls.answer.not_open", id=str(poll.id), post=str(poll.calendar_post_id))]
        if poll.status == ledger.WITHDRAWN:
            why = invocation.say(f"polls.withdrawn.{poll.withdrawn_reason or 'cancelled'}",
                                 post=str(poll.calendar_post_id or "—"), when=when(poll.withdrawn_at,
                                 invocation.community) if poll.withdrawn_at else "—")
            return [invocation.answer("polls.answer.withdrawn", id=str(poll.id), why=why)]
        key = await self.close_now(poll.id)
        return [invocation.answer(key, id=str(poll.id))]

    async def results(self, invocation: Invocation) -> Sequence[Action]:
        poll = await self._mine(invocation)
        if poll is None:
            return [invocation.answer("polls.answer.not_found", id=str(invocation.options["id"]))]
        if self.recount is not None and poll.status == ledger.OPEN:
            await self.recount(poll.id)
        tally = await self.store.run(lambda db: ledger.tally(db, poll))
        card = results_content(poll, tally, invocation.community, invocation.catalogue)
        return [Answer(interaction=invocation.event.interaction, content=card)]

    async def list(self, invocation: Invocation) -> Sequence[Action]:
        limit = max(1, min(int(invocation.options.get("limit", 20)), 50))
        community = invocation.community
        found = await self.store.run(lambda db: [(p, ledger.tally(db, p))
                                                 for p in ledger.list_polls(db, community.id, limit)])
        if not found:
            return [invocation.answer("polls.answer.list_empty")]
        lines = [invocation.say("polls.answer.list_header", count=len(found))]
        lines += [list_line(poll, tally, community, invocation.catalogue) for poll, tally in found]
        return [invocation.answer(join(lines))]

