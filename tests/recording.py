"""A platform that records the actions it is asked to carry out: for handler tests with no transport."""

from __future__ import annotations

import itertools

from bot.actions import Action, ActionResult, FindPost, Post
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
        self._posted: dict[int, str] = {}  # index in `actions` -> the message id answered

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def start(self, sink: EventSink) -> None:
        self.sink = sink

    async def stop(self) -> None:
        self.sink = None

    async def execute(self, action: Action) -> ActionResult:
        self.actions.append(action)
        if isinstance(action, FindPost):  # as a platform's history would answer: only posts it took carry the key
            for index, earlier in enumerate(self.actions):
                if (isinstance(earlier, Post) and earlier.idempotency_key == action.idempotency_key
                        and earlier.channel_id == action.channel_id):
                    return ActionResult.done(message_id=self._posted[index], channel_id=action.channel_id)
            return ActionResult.failed("not found", permanent=True)
        message_id = f"r{next(self._ids)}"
        self._posted[len(self.actions) - 1] = message_id
        return ActionResult.done(message_id=message_id)

    def answered(self, action: Action) -> str | None:
        """The message id this platform answered for `action` (None when it failed or is not a post)."""
        for index, earlier in enumerate(self.actions):
            if earlier is action:
                return self._posted.get(index)
        return None

    def of_type(self, kind: type) -> list:
        return [a for a in self.actions if isinstance(a, kind)]
