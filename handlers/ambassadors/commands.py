"""`/ambassadors [remove=@member]`: the ambassadors with their recent contribution; a CM can remove one.

The list is ephemeral (it names members and may be typed in any channel): one line per person (their linked
accounts together), since when, and their signals over the last four weeks, read from the engagement log
through its owner (`handlers/engagement/helpfulness.py`). SMMs and CMs may list; only CMs may remove.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlite_utils

from bot.actions import Action, Answer, Content, Field
from bot.clock import Clock
from bot.commands import CommandSpec, Invocation, OptionKind, OptionSpec
from bot.roles import Role, may
from bot.store import Store
from bot.text import Plain, Text, join
from config.settings import Community
from handlers.ambassadors import records
from handlers.ambassadors.appointing import Appointments, person_accounts
from handlers.ambassadors.cards import display_names, platform_name
from handlers.ambassadors.records import Account, Ambassador
from handlers.ambassadors.signals import member_signals
from handlers.engagement.helpfulness import Signals

RECENT_WEEKS = 4
LIST_LIMIT = 20  # a card stays readable (and inside Discord's 25 fields)


def member_id_of(raw: str) -> str:
    """A member option as typed: an id, `<@id>` or `@name` (console)."""
    value = raw.strip()
    if value.startswith("<@") and value.endswith(">"):
        value = value[2:-1].lstrip("!").split("|", 1)[0]
    return value.lstrip("@")


def roster(db: sqlite_utils.Database, community: Community, now: datetime
           ) -> list[tuple[str, list[Ambassador], Signals]]:
    """Each ambassador person: a name, their accounts (oldest first), their signals over the last four weeks."""
    current = records.current(db, community.id)
    by_account = {a.account: a for a in current}
    end = int(now.timestamp())
    starts = [end - (RECENT_WEEKS - i) * 7 * 86_400 for i in range(RECENT_WEEKS)]
    found = member_signals(db, community, starts, end)
    seen: set[Account] = set()
    people: list[tuple[str, list[Ambassador], Signals]] = []
    for ambassador in current:
        if ambassador.account in seen:
            continue
        accounts = [a for a in person_accounts(db, community.id, ambassador.account) if a in by_account]
        seen.update(accounts)
        total = Signals()
        for account in person_accounts(db, community.id, ambassador.account):
            one = found.get(account)
            if one is not None:
                total.first_responses += one.first_responses
                total.helpful_replies += one.helpful_replies
                total.feedback += one.feedback
                total.weeks |= one.weeks
        name = display_names(db, community.id, [ambassador.account])[ambassador.account]
        people.append((name, [by_account[a] for a in accounts], total))
    return people


class AmbassadorCommands:
    def __init__(self, store: Store, clock: Clock, appointments: Appointments) -> None:
        self.store = store
        self.clock = clock
        self.appointments = appointments

    def specs(self) -> list[CommandSpec]:
        remove = OptionSpec("remove", "ambassadors.command.remove", OptionKind.MEMBER, max_length=100)
        return [CommandSpec(("ambassadors",), "ambassadors.command.description", self.run,
                            allowed=frozenset({Role.SMM, Role.CM}), options=(remove,), slow=True)]

    async def run(self, invocation: Invocation) -> Sequence[Action]:
        community = invocation.community
        if not community.ambassadors.enabled:
            return [invocation.answer("ambassadors.answer.disabled")]
        raw = invocation.options.get("remove")
        if raw:
            if not may(invocation.roles, frozenset({Role.CM})):
                return [invocation.answer("ambassadors.answer.staff_only")]
            event = invocation.event
            target = (event.platform.value, member_id_of(str(raw)))
            decision = await self.appointments.remove(target, (event.platform.value, event.member.id), community)
            return [invocation.answer(join(decision.lines, "\n"))]
        now = self.clock.now()
        people = await self.store.run(lambda db: roster(db, community, now))
        if not people:
            return [invocation.answer("ambassadors.answer.none")]
        return [Answer(interaction=invocation.event.interaction, content=self._list(invocation, people))]

    def _list(self, invocation: Invocation, people: list[tuple[str, list[Ambassador], Signals]]) -> Content:
        community = invocation.community
        fields: list[Field] = []
        for name, accounts, found in people[:LIST_LIMIT]:
            since = min(a.since for a in accounts).astimezone(community.tz)
            lines: list[Text] = [
                invocation.say("ambassadors.list.since", since=since.date()),
                invocation.say("ambassadors.list.recent", first=found.first_responses,
                               helpful=found.helpful_replies, feedback=found.feedback, weeks=found.active_weeks),
                invocation.say("ambassadors.list.accounts",
                               accounts=", ".join(platform_name(a.account[0]) for a in accounts)),
            ]
            missing = [platform_name(a.account[0]) for a in accounts
                       if not a.granted and community.ambassadors.role_for(a.account[0])]
            if missing:
                lines.append(invocation.say("ambassadors.list.no_role", platforms=", ".join(missing)))
            fields.append(Field(name, join(lines, "\n"), inline=False))
        title = invocation.say("ambassadors.list.title", count=len(people))
        return Content(title=title, fields=tuple(fields), text=Text.of(Plain("")))
