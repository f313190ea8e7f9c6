"""The contract between the core and a platform adapter (Discord, Slack, console).

An adapter translates in both directions and nothing more: platform payloads become `Event`s handed to the
`EventSink`, and `Action`s become platform calls. Capabilities let handlers offer only what a platform can do
(Slack cannot time a member out, for instance) without importing the adapter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.actions import Action, ActionResult
from bot.events import Event, PlatformName
from bot.exit_status import ExitStatus

EventSink = Callable[[Event], Awaitable[object]]


class Capability(StrEnum):
    TIMEOUT = "timeout"
    MODALS = "modals"
    BUTTONS = "buttons"
    EPHEMERAL = "ephemeral"
    THREADS = "threads"
    DIRECT_MESSAGES = "direct_messages"
    DELETE_MESSAGES = "delete_messages"
    IDEMPOTENT_SEND = "idempotent_send"
    MESSAGE_LOOKUP = "message_lookup"
    INVITES = "invites"  # tracked invite links (Discord): CreateInvite, InvitesSeen
    NATIVE_POLLS = "native_polls"  # the platform runs polls itself (Discord): Content.poll, ClosePoll, vote events


@runtime_checkable
class Platform(Protocol):
    """What the app needs from every adapter."""

    name: PlatformName
    capabilities: frozenset[Capability]

    async def start(self, sink: EventSink) -> None:
        """Connect and begin delivering events to `sink`. Returns once connected (or raises)."""

    async def stop(self) -> None:
        """Disconnect cleanly; pending sends are finished or failed, never silently dropped."""

    async def execute(self, action: Action) -> ActionResult:
        """Carry out one action. Never raises for platform errors: they come back as a failed result."""
        ...

    def can(self, capability: Capability) -> bool:
        ...


FatalHandler = Callable[["FatalPlatformError"], None]
"""An adapter that can lose its connection for good after start-up has an `on_fatal: FatalHandler | None`
attribute; the app sets it at start and stops cleanly, with the error's exit status, when it is called."""


class FatalPlatformError(RuntimeError):
    """A platform refused us for good (bad token, disallowed intents): stop with `exit_status`, never loop."""

    def __init__(self, message: str, exit_status: int = ExitStatus.DISCORD_REFUSED) -> None:
        super().__init__(message)
        self.exit_status = exit_status
