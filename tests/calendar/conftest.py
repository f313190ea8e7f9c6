"""Shared fixtures: a real SQLite store with the calendar's tables, a fake clock, a console-style community."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import SimulatedClock
from bot.store import Store
from bot.store.migrations import apply_all
from config.settings import Settings
from handlers.calendar.migrations import migrations

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "cal.db")
    apply_all(store.db, [migrations])
    yield store
    store.close()


@pytest.fixture
def db(store):
    return store.db


@pytest.fixture
def clock():
    return SimulatedClock(START)


def make_settings(tmp_path, locale: str = "en", **calendar) -> Settings:
    community = {
        "id": "demo",
        "name": "Demo",
        "locale": locale,
        "timezone": "Europe/Paris",
        "console": {
            "space_id": "console",
            "channels": {"moderation": "moderation", "strategy": "strategy"},
            "roles": {"smm": ["smm"], "cm": ["cm"], "admin": ["admin"]},
        },
        "calendar": calendar,
    }
    return Settings.model_validate({"bot": {"database": str(tmp_path / "bot.db")}, "communities": [community]})


# -- a whole bot with only the calendar, on a scripted platform and the stepped wake-ups ------------------------
import itertools  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import timedelta  # noqa: E402

from bot.actions import Action, ActionResult, FindPost, Post  # noqa: E402
from bot.app import App  # noqa: E402
from bot.events import ButtonClicked, CommandInvoked, InteractionRef, Member, ModalSubmitted, PlatformName  # noqa: E402
from bot.platform import Capability  # noqa: E402
from bot.wakeups import SteppedWakeups  # noqa: E402
from tests.recording import RecordingPlatform  # noqa: E402

ROLES = {"sam": {"smm"}, "sue": {"smm"}, "carla": {"cm"}, "max": set()}


class ScriptedPlatform(RecordingPlatform):
    """Records actions; scheduled posts (those with an idempotency key) take their results from a script."""

    def __init__(self, lookup: bool = False) -> None:
        caps = set(Capability) - ({Capability.MESSAGE_LOOKUP} if not lookup else set())
        super().__init__(PlatformName.CONSOLE, frozenset(caps))
        self.post_results: list[ActionResult] = []
        self.sent: dict[str, str] = {}  # idempotency key -> message id, as a platform would remember
        self._msg = itertools.count(100)

    async def execute(self, action: Action) -> ActionResult:
        self.actions.append(action)
        if isinstance(action, FindPost):
            found = self.sent.get(action.idempotency_key)
            return ActionResult.done(found, action.channel_id) if found else ActionResult.failed("not found",
                                                                                                 permanent=True)
        if isinstance(action, Post) and action.idempotency_key:
            if self.post_results:
                result = self.post_results.pop(0)
                if not result.ok:
                    return result
            message_id = f"m{next(self._msg)}"
            self.sent[action.idempotency_key] = message_id
            return ActionResult.done(message_id, action.channel_id)
        return ActionResult.done(f"m{next(self._msg)}")

    def scheduled_posts(self) -> list[Post]:
        return [a for a in self.actions if isinstance(a, Post) and a.idempotency_key]

    def staff_posts(self) -> list[Post]:
        return [a for a in self.actions if isinstance(a, Post) and not a.idempotency_key]


@dataclass
class Bot:
    app: App
    clock: SimulatedClock
    wakeups: SteppedWakeups
    platform: ScriptedPlatform
    seen: int = 0
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def member(self, name: str) -> Member:
        return Member(id=name, display_name=name, roles=frozenset(ROLES.get(name, set())))

    def _base(self) -> dict:
        return {"platform": PlatformName.CONSOLE, "space_id": "console", "event_id": f"e{next(self.ids)}-{id(self)}",
                "at": self.clock.now()}

    def new_actions(self) -> list[Action]:
        fresh = self.platform.actions[self.seen:]
        self.seen = len(self.platform.actions)
        return fresh

    async def cmd(self, who: str, line: str) -> list[Action]:
        path, options = self.app.services.commands.split_line(line.removeprefix("/"))
        self.new_actions()
        await self.app.services.dispatcher.dispatch(CommandInvoked(
            member=self.member(who), path=path, options=options,
            interaction=InteractionRef(PlatformName.CONSOLE, "i"), **self._base()))
        return self.new_actions()

    async def click(self, who: str, custom_id: str) -> list[Action]:
        self.new_actions()
        await self.app.services.dispatcher.dispatch(ButtonClicked(
            member=self.member(who), custom_id=custom_id, message_id="m1",
            interaction=InteractionRef(PlatformName.CONSOLE, "i"), **self._base()))
        return self.new_actions()

    async def submit(self, who: str, custom_id: str, **values: str) -> list[Action]:
        self.new_actions()
        await self.app.services.dispatcher.dispatch(ModalSubmitted(
            member=self.member(who), custom_id=custom_id, values=values,
            interaction=InteractionRef(PlatformName.CONSOLE, "i"), **self._base()))
        return self.new_actions()

    async def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)
        await self.wakeups.run_due()


def answer_text(actions: list[Action]) -> str:
    from bot.actions import Answer

    return "\n".join(a.content.text.plain() for a in actions if isinstance(a, Answer))


async def start_bot(tmp_path, clock: SimulatedClock, platform: ScriptedPlatform | None = None,
                    **calendar) -> Bot:
    from bot.features.calendar import feature

    settings = make_settings(tmp_path, **calendar)
    app = App(settings, Store.open(settings.bot.database), clock, SteppedWakeups(clock), features=[feature])
    platform = platform or ScriptedPlatform()
    app.attach([platform])
    await app.start()
    return Bot(app, clock, app.services.wakeups, platform)  # type: ignore[arg-type]
