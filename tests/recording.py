"""A platform that records the actions it is asked to carry out: for handler tests with no transport."""

from __future__ import annotations

import itertools

from bot.actions import Action, ActionResult
from bot.events import PlatformName
from bot.platform import Capability, EventSink


class RecordingPlatform:
    def __init__(self, name: PlatformName = PlatformName.CONSOLE, capabilities: frozenset[Capability] | None = None):
        self.name = name
        self.capabilities = capabilities if capabilities is not None else frozenset(Capability)
        self.actions: list[Action] = []
        self.sink: EventSink | None = None
        self.bot_user_id = "bot"
        self._ids = itertools.count(1)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def start(self, sink: EventSink) -> None:
        self.sink = sink

    async def stop(self) -> None:
        self.sink = None

    async def execute(self, action: Action) -> ActionResult:
        self.actions.append(action)
        return ActionResult.done(message_id=f"r{next(self._ids)}")

    def of_type(self, kind: type) -> list:
        return [a for a in self.actions if isinstance(a, kind)]
