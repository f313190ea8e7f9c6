"""The services a feature receives at install time (the composition root's toolbox).

This object is only handed to `Feature.install`; handlers keep the few services they need as constructor
arguments, so no handler ever receives the whole toolbox with an event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.commands import CommandRegistry
from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.personal_data import ForgetHook, ForgetStep, PersonalData
from bot.post_kinds import PostKinds
from bot.store import Store
from bot.wakeups import Wakeups
from config.settings import Settings

Hook = Callable[[], Awaitable[None]]


@dataclass
class Services:
    settings: Settings
    store: Store
    clock: Clock
    catalogue: Catalogue
    dispatcher: Dispatcher
    outbox: Outbox
    commands: CommandRegistry
    wakeups: Wakeups
    optouts: OptOuts
    directory: CommunityDirectory
    personal_data: list[PersonalData] = field(default_factory=list)
    post_kinds: PostKinds = field(default_factory=PostKinds)  # calendar post kinds other features add (polls)
    start_hooks: list[Hook] = field(default_factory=list)
    stop_hooks: list[Hook] = field(default_factory=list)
    flush_hooks: list[Hook] = field(default_factory=list)
    forget_hooks: list[ForgetHook] = field(default_factory=list)
    forget_steps: list[ForgetStep] = field(default_factory=list)  # the features' `Feature.forget_steps`

    def on_start(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` once the platforms are connected and the scheduler runs (rebuild jobs, catch up)."""
        self.start_hooks.append(hook)

    def on_flush(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Register a buffer to write out when another feature needs the store complete (forget-me, export)."""
        self.flush_hooks.append(hook)

    async def flush_pending(self) -> None:
        """Write every buffered row now, so that what follows sees (or erases) all of it: the steps left for later
        first (a flag waiting for its write), then each feature's buffers."""
        await self.dispatcher.settle()
        for hook in self.flush_hooks:
            await hook()

    def on_forget(self, hook: ForgetHook) -> None:
        """Register what to undo on the platforms once a member is forgotten (the pending work the feature's
        forget step wrote)."""
        self.forget_hooks.append(hook)

    def on_stop(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` at shutdown, before the store closes (flush buffers). Hooks run in reverse order."""
        self.stop_hooks.append(hook)
