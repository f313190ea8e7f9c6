"""The `moderation stats` command for CMs and admins, answered privately in the community's locale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from babel.numbers import format_percent

from bot.actions import Action
from bot.clock import Clock
from bot.commands import CommandSpec, Invocation, OptionKind, OptionSpec
from bot.roles import Role
from bot.store import Store
from bot.text import Text
from handlers.moderation.cards import rule_label
from handlers.moderation.stats import rule_stats


def stats_command(store: Store, clock: Clock) -> CommandSpec:
    async def run(invocation: Invocation) -> Sequence[Action]:
        days = int(invocation.options.get("days", 30))
        since = clock.now() - timedelta(days=max(1, days))
        stats = await store.run(lambda db: rule_stats(db, invocation.community.id, since))
        if not stats:
            return [invocation.answer("moderation.stats_empty", days=days)]
        lines: list[Text | str] = [invocation.say("moderation.stats_header", days=days)]
        unknown = invocation.say("moderation.stats_unknown")
        for s in stats:
            median = (invocation.say("moderation.stats_minutes", minutes=round(s.median_minutes, 1))
                      if s.median_minutes is not None else unknown)
            lines.append("\n")
            lines.append(
                invocation.say(
                    "moderation.stats_line",
                    rule=rule_label(invocation.catalogue, invocation.locale, s.rule),
                    count=s.flags,
                    shadow=s.shadow,
                    acted=s.acted,
                    dismissed=s.dismissed,
                    precision=Text.of(format_percent(s.precision, locale=invocation.locale))
                    if s.precision is not None else unknown,
                    median=median,
                )
            )
        return [invocation.answer(Text.of(*lines))]

    return CommandSpec(
        path=("moderation", "stats"),
        description_key="moderation.stats_description",
        run=run,
        allowed=frozenset({Role.CM}),
        options=(OptionSpec("days", "moderation.stats_days", OptionKind.INTEGER),),
    )
