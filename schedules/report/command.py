"""`/report [week]`: the weekly report on demand, for SMMs and CMs, as the same cards the job posts.

The answer is ephemeral (seen by the caller only): the figures name members, and a command can be typed in any
channel. Without a week, the last complete week in the community's timezone.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import Action, Answer
from bot.clock import Clock
from bot.commands import CommandSpec, Invocation, OptionSpec
from bot.roles import Role
from schedules.report.job import ReportJob
from schedules.report.render import report_cards
from schedules.report.weeks import IsoWeek


def report_command(job: ReportJob, clock: Clock) -> CommandSpec:
    async def run(invocation: Invocation) -> Sequence[Action]:
        community = invocation.community
        now = clock.now()
        raw = invocation.options.get("week")
        if raw:
            try:
                week = IsoWeek.parse(str(raw))
            except ValueError:
                return [invocation.answer("engagement.bad_week", week=str(raw))]
            if week.bounds(community.tz)[0] > now:
                return [invocation.answer("engagement.future_week", week=str(week))]
        else:
            week = IsoWeek.last_complete(now, community.tz)
        report, chart = await job.build(community, week)
        cards = report_cards(report, invocation.event.platform.value, invocation.catalogue, chart)
        return [Answer(interaction=invocation.event.interaction, content=card, ephemeral=True) for card in cards]

    return CommandSpec(
        path=("report",),
        description_key="engagement.report_description",
        run=run,
        allowed=frozenset({Role.SMM, Role.CM}),
        options=(OptionSpec("week", "engagement.report_week_option", max_length=10),),
        slow=True,
    )
