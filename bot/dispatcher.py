"""Routing events to the handlers that subscribed to their type, and their actions back to the platform.

The dispatcher resolves which community owns the event's space (an unclaimed guild or workspace is ignored
with one log line), runs the middleware chain (ignore bots, de-duplicate replays), then each handler in
subscription order. A handler that raises is logged with its name and the event, and the others still run;
when the event was an interaction, the caller gets an ephemeral "something went wrong" instead of silence.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.actions import Action, ActionResult, Answer, Content
from bot.events import Event, PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from config.settings import Community, Settings

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Handler = Callable[[Any, Community], Awaitable[Sequence[Action]]]
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Event, Community, Next], Awaitable[None]]


class CommunityDirectory:
    """Which community owns a (platform, space id)."""

    def __init__(self, settings: Settings) -> None:
        self._by_space: dict[tuple[str, str], Community] = {}
        self._by_id = {c.id: c for c in settings.communities}
        self._unclaimed_logged: set[tuple[str, str]] = set()
        for community in settings.communities:
            for platform in PlatformName:
                space = community.space(platform.value)
                if space is not None:
                    self._by_space[(platform.value, space.space_id)] = community

    def for_space(self, platform: PlatformName, space_id: str) -> Community | None:
        key = (str(platform), space_id)
        community = self._by_space.get(key)
        if community is None and key not in self._unclaimed_logged:
            self._unclaimed_logged.add(key)
            log.info("ignoring events from %s space %s: no community claims it", platform, space_id)
        return community

    def by_id(self, community_id: str) -> Community:
        return self._by_id[community_id]

    def __iter__(self):
        return iter(self._by_id.values())


class Dispatcher:
    def __init__(self, directory: CommunityDirectory, outbox: Outbox, catalogue: Catalogue) -> None:
        self.directory = directory
        self.outbox = outbox
        self.catalogue = catalogue
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)
        self._middleware: list[Middleware] = []

    def subscribe(self, event_type: type[E], handler: Callable[[E, Community], Awaitable[Sequence[Action]]]) -> None:
        """Run `handler` for events of exactly `event_type` (an edit is not a post; subscribe to both)."""
        self._handlers[event_type].append(handler)

    def use(self, middleware: Middleware) -> None:
        self._middleware.append(middleware)

    async def dispatch(self, event: Event) -> list[ActionResult]:
        """Handle one event end to end; returns the results of the actions carried out."""
        community = self.directory.for_space(event.platform, event.space_id)
        if community is None:
            return []
        passage = _Passage(self, event, community)
        await passage()
        return passage.results

    async def _run_handlers(self, event: Event, community: Community, results: list[ActionResult]) -> None:
        for handler in self._handlers.get(type(event), ()):
            done = await self._run_one(handler, event, community)
            if done:
                results.extend(done)

    async def _run_one(self, handler: Handler, event: Event, community: Community) -> list[ActionResult]:
        try:
            actions = await handler(event, community)
        except Exception:
            log.exception("handler %s failed on %s %s", _name(handler), type(event).__name__, event.event_id)
            interaction = getattr(event, "interaction", None)
            if interaction is None:
                return []
            text = self.catalogue.text(community.locale, "core.internal_error")
            actions = [Answer(interaction=interaction, content=Content(text=text), ephemeral=True)]
        return await self.outbox.send_all(event.platform, list(actions))


class _Passage:
    """One event's way through the middleware chain to the handlers; it is the `next` each middleware calls.

    A single object per event (rather than a closure per middleware) keeps the hot path cheap.
    """

    __slots__ = ("community", "dispatcher", "event", "results", "step")

    def __init__(self, dispatcher: Dispatcher, event: Event, community: Community) -> None:
        self.dispatcher = dispatcher
        self.event = event
        self.community = community
        self.results: list[ActionResult] = []
        self.step = 0

    async def __call__(self) -> None:
        middleware = self.dispatcher._middleware
        step = self.step
        if step < len(middleware):
            self.step = step + 1
            await middleware[step](self.event, self.community, self)
        else:
            await self.dispatcher._run_handlers(self.event, self.community, self.results)


def _name(handler: Handler) -> str:
    return getattr(handler, "__qualname__", None) or type(handler).__qualname__
