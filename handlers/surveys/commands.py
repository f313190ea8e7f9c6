"""`/survey …`: the SMM or CM launches, lists, reads and closes surveys; any member opts out or back in.

    /survey new kind=nps|csat [question=…] [where=channel|dm] [channel=#…] [start=2026-12-01T10:00] [days=7]
                [every=month|quarter]
    /survey list
    /survey results id=…      score, margin, distribution and the comments, with no names (ephemeral)
    /survey close id=…        a scheduled one is cancelled (the next of a recurring survey: the series stops)
    /survey opt-out | opt-in  never / again be sent a survey

Starting, sending and closing are the clock side's work (`schedules/surveys`), handed in by the front door as
a `Launcher`: a survey that starts now is started at once, a later one by the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol

from bot.actions import Action, Answer
from bot.clock import Clock
from bot.commands import CommandSpec, Invocation, OptionKind, OptionSpec
from bot.roles import Role
from bot.store import Store
from bot.text import Text, join
from handlers.surveys import ledger
from handlers.surveys.messages import results_content
from handlers.surveys.repeat import next_start
from handlers.surveys.text import clean_question

STAFF = frozenset({Role.SMM, Role.CM})
QUESTION_MAX = 200
MONTHLY_DAYS_MAX = 28  # a monthly survey closes before the next one opens, even after a February


@dataclass(frozen=True, slots=True)
class Started:
    """What starting a survey did: `posted` in a channel, or `queued` DMs; `error` when the post failed."""

    posted: bool = False
    queued: int = 0
    error: str | None = None


class Launcher(Protocol):
    async def start(self, survey_id: int) -> Started: ...

    async def close(self, survey_id: int) -> bool: ...

    def scheduled(self, survey_id: int) -> None:
        """A survey was just created (the clock's tick must look again)."""


def parse_start(value: str, community_tz, now: datetime) -> datetime:
    """`2026-12-01T10:00` or `2026-12-01 10:00`, local time of the community (an explicit offset wins)."""
    moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=community_tz)
    if moment <= now:
        raise ValueError("in the past")
    return moment


class SurveyCommands:
    def __init__(self, store: Store, clock: Clock, launcher: Launcher) -> None:
        self.store = store
        self.clock = clock
        self.launcher = launcher

    def specs(self) -> list[CommandSpec]:
        survey_id = OptionSpec("id", "surveys.option.id", OptionKind.INTEGER, required=True)
        return [
            CommandSpec(("survey", "new"), "surveys.command.new", self.new, allowed=STAFF, slow=True, options=(
                OptionSpec("kind", "surveys.option.kind", required=True, choices=ledger.KINDS),
                OptionSpec("question", "surveys.option.question", max_length=QUESTION_MAX),
                OptionSpec("where", "surveys.option.where", choices=("channel", "dm")),
                OptionSpec("channel", "surveys.option.channel", OptionKind.CHANNEL),
                OptionSpec("start", "surveys.option.start", max_length=30),
                OptionSpec("days", "surveys.option.days", OptionKind.INTEGER),
                OptionSpec("every", "surveys.option.every", choices=ledger.REPEATS),
            )),
            CommandSpec(("survey", "list"), "surveys.command.list", self.list, allowed=STAFF),
            CommandSpec(("survey", "results"), "surveys.command.results", self.results, allowed=STAFF,
                        options=(survey_id,)),
            CommandSpec(("survey", "close"), "surveys.command.close", self.close, allowed=STAFF,
                        options=(survey_id,)),
            CommandSpec(("survey", "opt-out"), "surveys.command.opt_out", self.opt_out),
            CommandSpec(("survey", "opt-in"), "surveys.command.opt_in", self.opt_in),
        ]

    async def new(self, invocation: Invocation) -> Sequence[Action]:
        community, event, options = invocation.community, invocation.event, invocation.options
        settings = community.surveys
        if not settings.enabled:
            return [invocation.answer("surveys.disabled")]
        kind = str(options["kind"])
        question = clean_question(str(options.get("question", "")), QUESTION_MAX)
        if not question:
            question = invocation.catalogue.string(community.locale, f"surveys.default_question.{kind}",
                                                   community=community.name)
        delivery = str(options.get("where", "channel"))
        channel = str(options.get("channel", "")).lstrip("#") or None
        if delivery == "channel" and channel is None:
            channel = event.channel.id if event.channel else None
            if channel is None:
                return [invocation.answer("surveys.need_channel")]
        if delivery == "dm":
            channel = None
        now = self.clock.now()
        start = now
        if options.get("start"):
            try:
                start = parse_start(str(options["start"]), community.tz, now)
            except ValueError:
                return [invocation.answer("surveys.bad_start", value=str(options["start"]))]
        days = int(options.get("days", settings.open_days))
        if not 1 <= days <= 60:
            return [invocation.answer("surveys.bad_days", value=days)]
        every = str(options["every"]) if options.get("every") else None
        if every == "month" and days > MONTHLY_DAYS_MAX:
            return [invocation.answer("surveys.bad_every_days", value=days)]
        new = ledger.NewSurvey(
            community=community.id, kind=kind, question=question, delivery=delivery, platform=event.platform.value,
            channel_id=channel, starts_at=int(start.timestamp()),
            closes_at=int((start + timedelta(days=days)).timestamp()), created_by=event.member.id,
            created_at=int(now.timestamp()), every=every,
        )
        survey = await self.store.run(lambda db: ledger.create(db, new, "scheduled"))
        self.launcher.scheduled(survey.id)
        closes = datetime.fromtimestamp(new.closes_at, community.tz)
        if start > now:
            return [self._with_repeat(invocation, survey, invocation.say(
                "surveys.scheduled", id=survey.id, start=start.astimezone(community.tz), end=closes))]
        started = await self.launcher.start(survey.id)
        if started.error is not None:
            return [invocation.answer("surveys.post_failed", id=survey.id, reason=started.error)]
        if delivery == "dm" and started.queued == 0:
            await self.launcher.close(survey.id)
            return [invocation.answer("surveys.nobody", id=survey.id, weeks=settings.active_weeks,
                                      days=settings.repeat_days)]
        if delivery == "dm":
            said = invocation.say("surveys.started_dm", id=survey.id, count=started.queued, end=closes)
        else:
            said = invocation.say("surveys.started_channel", id=survey.id, end=closes)
        return [self._with_repeat(invocation, survey, said)]

    def _with_repeat(self, invocation: Invocation, survey: ledger.Survey, said: Text) -> Answer:
        """The answer to `/survey new`, with when a recurring survey comes back."""
        if survey.every is None:
            return invocation.answer(said)
        tz = invocation.community.tz
        following = datetime.fromtimestamp(next_start(survey.starts_at, survey.every, tz, survey.starts_at), tz)
        every = invocation.catalogue.string(invocation.community.locale, f"surveys.every.{survey.every}")
        return invocation.answer(join([said, invocation.say("surveys.repeats", every=every, next=following)]))

    async def list(self, invocation: Invocation) -> Sequence[Action]:
        community = invocation.community
        surveys = await self.store.run(lambda db: ledger.of_community(db, community.id))
        if not surveys:
            return [invocation.answer("surveys.list_empty")]
        lines: list[Text] = [invocation.say("surveys.list_header")]
        for survey in surveys:
            count = len(await self.store.run(partial(ledger.scores_of, survey_id=survey.id)))
            line = invocation.say(
                "surveys.list_line", id=survey.id, kind=survey.kind.upper(), question=survey.question,
                status=invocation.catalogue.string(community.locale, f"surveys.status.{survey.status}"),
                count=count, end=datetime.fromtimestamp(survey.closes_at, community.tz))
            if survey.every is not None:
                every = invocation.catalogue.string(community.locale, f"surveys.every.{survey.every}")
                line = join([line, invocation.say("surveys.list_every", every=every)], " ")
            lines.append(line)
        return [invocation.answer(join(lines))]

    async def _own(self, invocation: Invocation) -> ledger.Survey | None:
        survey_id = int(invocation.options["id"])
        survey = await self.store.run(lambda db: ledger.get(db, survey_id))
        return survey if survey is not None and survey.community == invocation.community.id else None

    async def results(self, invocation: Invocation) -> Sequence[Action]:
        survey = await self._own(invocation)
        if survey is None:
            return [invocation.answer("surveys.unknown", id=int(invocation.options["id"]))]
        scores = await self.store.run(lambda db: ledger.scores_of(db, survey.id))
        comments = await self.store.run(lambda db: ledger.comments_of(db, survey.id))
        sent = None
        if survey.delivery == "dm":
            counts = await self.store.run(lambda db: ledger.recipient_counts(db, survey.id))
            sent = counts.get("sent", 0)
        content = results_content(invocation.catalogue, invocation.locale, survey, scores, comments, sent)
        return [Answer(interaction=invocation.event.interaction, content=content, ephemeral=True)]

    async def close(self, invocation: Invocation) -> Sequence[Action]:
        survey = await self._own(invocation)
        if survey is None:
            return [invocation.answer("surveys.unknown", id=int(invocation.options["id"]))]
        closed = await self.launcher.close(survey.id)
        if closed and survey.status == "scheduled":
            return [invocation.answer("surveys.cancelled", id=survey.id)]
        return [invocation.answer("surveys.closed" if closed else "surveys.already_closed", id=survey.id)]

    async def _set_opt_out(self, invocation: Invocation, opted_out: bool) -> None:
        community, platform, member = invocation.community.id, invocation.event.platform.value, invocation.event.member
        now = int(self.clock.now().timestamp())
        await self.store.run(lambda db: ledger.set_opt_out_linked(db, community, platform, member.id, opted_out, now))

    async def opt_out(self, invocation: Invocation) -> Sequence[Action]:
        await self._set_opt_out(invocation, True)
        return [invocation.answer("surveys.opted_out")]

    async def opt_in(self, invocation: Invocation) -> Sequence[Action]:
        await self._set_opt_out(invocation, False)
        return [invocation.answer("surveys.opted_in")]

