"""`/inbox`: the feedback inbox as a list, for the team (SMM, CM, admin), seen by the caller only.

The cards in the inbox channel scroll away; the list answers "what is still waiting, and for how long?". By
default it shows the feedback not closed yet (to handle or acknowledged), oldest first, with its number, kind,
status, age, author (named as plain text, never pinged) and a short excerpt of a `/feedback` (a message taken
from a channel is never copied: a link to it). `kind=` and `state=` filter it; `page=` turns pages, ten items
each, so the answer stays inside every platform's message limit.

Not `/feedback list`: on Discord a command that members run (`/feedback`) cannot also hold subcommands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.actions import Action
from bot.clock import Clock
from bot.commands import COMMAND_PREFIX, CommandSpec, Invocation, OptionKind, OptionSpec
from bot.roles import Role
from bot.store import Store
from bot.text import Link, Text, join
from config.feedback import KINDS
from handlers.feedback import inbox
from handlers.feedback.cards import kind_label
from handlers.feedback.inbox import ACKNOWLEDGED, DONE, OPEN, Item

PAGE_SIZE = 10
EXCERPT = 60  # characters of a /feedback's text shown in a line
STATES: dict[str, tuple[str, ...]] = {
    "waiting": (OPEN, ACKNOWLEDGED), "open": (OPEN,), "acknowledged": (ACKNOWLEDGED,), "done": (DONE,),
    "all": (OPEN, ACKNOWLEDGED, DONE),
}
TEAM = frozenset({Role.SMM, Role.CM, Role.ADMIN})


def excerpt(text: str) -> str:
    """The first words of a feedback, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def age_key(seconds: int) -> tuple[str, dict[str, int]]:
    """How long ago, in the largest unit that reads naturally (minutes under two hours, hours under two days)."""
    minutes = max(0, seconds) // 60
    if minutes < 120:
        return "feedback.list.age_minutes", {"minutes": minutes}
    hours = minutes // 60
    if hours < 48:
        return "feedback.list.age_hours", {"hours": hours}
    return "feedback.list.age_days", {"days": hours // 24}


class InboxList:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def command(self) -> CommandSpec:
        options = (
            OptionSpec("kind", "feedback.option.list_kind", choices=(*KINDS, "unsorted")),
            OptionSpec("state", "feedback.option.list_state", choices=tuple(STATES)),
            OptionSpec("page", "feedback.option.list_page", OptionKind.INTEGER),
        )
        return CommandSpec(("inbox",), "feedback.command.inbox", self.run, allowed=TEAM, options=options)

    async def run(self, invocation: Invocation) -> Sequence[Action]:
        community = invocation.community
        if not community.feedback.enabled:
            return [invocation.answer("feedback.answer.disabled")]
        state = str(invocation.options.get("state") or "waiting")
        kind = str(invocation.options.get("kind") or "") or None
        page = max(1, int(invocation.options.get("page") or 1))
        items, total = await self.store.run(lambda db: inbox.listed(
            db, community.id, STATES[state], kind, (page - 1) * PAGE_SIZE, PAGE_SIZE))
        state_text = invocation.say(f"feedback.list.state_{state}")
        if kind:
            state_text = Text.of(state_text, " · ", kind_label(invocation.catalogue, invocation.locale, kind))
        if not total:
            return [invocation.answer("feedback.list.empty", state=state_text)]
        pages = -(-total // PAGE_SIZE)
        if not items:
            return [invocation.answer("feedback.list.beyond", page=page, pages=pages)]
        now = self.clock.now()
        lines: list[Text | str] = [invocation.say("feedback.list.title", count=total, state=state_text)]
        lines += [self._line(invocation, item, now) for item in items]
        if pages > 1:
            lines.append(self._pages(invocation, page, pages, state, kind))
        return [invocation.answer(join(lines))]

    def _line(self, invocation: Invocation, item: Item, now: datetime) -> Text:
        key, values = age_key(int(now.timestamp()) - item.created_at)
        if item.text is not None:
            what = invocation.say("feedback.list.quoted", text=excerpt(item.text))
        elif item.link:
            what = Text.of(Link(item.link, invocation.say("feedback.card.open_message").plain()))
        elif item.text_erased_at is not None:
            what = invocation.say("feedback.list.erased")
        else:
            what = Text()
        who = item.member_name or item.member_id or invocation.say("feedback.card.author_unknown").plain()
        return invocation.say("feedback.list.line", id=item.id,
                              kind=kind_label(invocation.catalogue, invocation.locale, item.kind),
                              status=invocation.say(f"feedback.card.status_{item.status}"),
                              age=invocation.say(key, **values), who=who, what=what)

    def _pages(self, invocation: Invocation, page: int, pages: int, state: str, kind: str | None) -> Text:
        if page >= pages:
            return invocation.say("feedback.list.last_page", page=page, pages=pages)
        prefix = COMMAND_PREFIX.get(invocation.event.platform, "/")
        filters = "".join(f" {name}={value}" for name, value in (("kind", kind), ("state", state))
                          if value and not (name == "state" and value == "waiting"))
        command = f"{prefix}inbox{filters} page={page + 1}"
        return invocation.say("feedback.list.page", page=page, pages=pages, command=command)
