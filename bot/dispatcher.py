"""Routing events to the handlers that subscribed to their type, and their actions back to the platform.

The dispatcher resolves which community owns the event's space (an unclaimed guild or workspace is ignored
with one log line), runs the middleware chain (ignore bots, de-duplicate replays), then each handler in
subscription order. Handlers return steps (`bot.handling`): actions, which the dispatcher carries out on the
event's platform through the Outbox, `Then` for an action whose result the handler needs, and `STOP` when the
handlers after it must not see the event. A handler that raises is logged with its name and the event, and the
others still run; when the event was an interaction, the caller gets an ephemeral "something went wrong"
instead of silence. A `Later` step is carried out in a task of its own once its steps are known; the
dispatcher keeps those tasks until they end, and `settle` waits for them (a flush, the stop, the console
between two lines of its script).
Only `StoreUnavailable` goes through: the database cannot take work, so no other handler can either.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.actions import ActionResult, Answer, Content
from bot.events import Event, PlatformName
from bot.handling import STOP, Later, Step, Then
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store.database import StoreUnavailable
from config.settings import Community, Settings

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Handler = Callable[[Any, Community], Awaitable[Sequence[Step]]]
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Event, Community, Next], Awaitable[None]]
# A middleware's synchronous answer, when it has one for an event: True to let it through (nothing more to do),
# False to drop it, None when only its full (asynchronous) call can decide.
Admit = Callable[[Event], "bool | None"]


class CommunityDirectory:
    """Which community owns a (platform, space id)."""

    def __init__(self, settings: Settings) -> None:
        # (platform name, space id) -> its community; a `PlatformName` finds its entry too (it hashes and
        # compares as its value), so the dispatcher looks events up here without converting their platform.
        self.by_space: dict[tuple[str, str], Community] = {}
        self._by_id = {c.id: c for c in settings.communities}
        self._unclaimed_logged: set[tuple[str, str]] = set()
        for community in settings.communities:
            for platform in PlatformName:
                space = community.space(platform.value)
                if space is not None:
                    self.by_space[(platform.value, space.space_id)] = community

    def for_space(self, platform: PlatformName, space_id: str) -> Community | None:
        key = (str(platform), space_id)
        community = self.by_space.get(key)
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
        self._admits: list[Admit | None] = []  # each middleware's synchronous answer (`use`), None without one
        self._later: set[asyncio.Task[None]] = set()  # `Later` steps under way
        self._settling: list[asyncio.Future[None]] = []  # callers of `settle`, told when none is under way
        self.on_store_failed: Callable[[StoreUnavailable], None] | None = None  # set by the app: it stops

    def subscribe(self, event_type: type[E], handler: Callable[[E, Community], Awaitable[Sequence[Step]]]) -> None:
        """Run `handler` for events of exactly `event_type` (an edit is not a post; subscribe to both).

        A base of several events (`MessageBase`, `ReactionBase`) is refused: nothing is ever dispatched as one,
        so the handler would silently never run."""
        if event_type.__subclasses__():
            kinds = ", ".join(sorted(kind.__name__ for kind in event_type.__subclasses__()))
            raise TypeError(f"{event_type.__name__} is not an event of its own: subscribe to each of {kinds}")
        self._handlers[event_type].append(handler)

    def use(self, middleware: Middleware) -> None:
        """Add `middleware` to the chain. One that can often decide without waiting for anything (ignore a bot,
        drop a replay remembered in memory) may also have an `admit(event)` method: its synchronous answer (see
        `Admit`), which the dispatcher asks first and which must agree with what its call would do."""
        self._middleware.append(middleware)
        self._admits.append(getattr(middleware, "admit", None))

    async def dispatch(self, event: Event) -> list[ActionResult]:
        """Handle one event end to end; returns the results of the actions carried out.

        Every event of every community comes through here, and most need nothing of the middleware but a
        yes: the synchronous answers are asked in turn, and the chain of calls (`_Passage`) starts only at the
        first middleware that has none for this event."""
        community = self.directory.by_space.get((event.platform, event.space_id))
        if community is None:
            community = self.directory.for_space(event.platform, event.space_id)  # says so once
            if community is None:
                return []
        results: list[ActionResult] = []
        for step, admit in enumerate(self._admits):
            verdict = admit(event) if admit is not None else None
            if verdict is None:
                await _Passage(self, event, community, results, step)()
                return results
            if not verdict:
                return results
        await self._run_handlers(event, community, results)
        return results

    async def _run_handlers(self, event: Event, community: Community, results: list[ActionResult]) -> None:
        """Each handler in turn, called straight from this loop: every event meets several handlers, most of
        which only observe it, so a handler that returns no step costs its own call and nothing more."""
        for handler in self._handlers.get(type(event), ()):
            try:
                steps = await handler(event, community)
            except StoreUnavailable:
                raise  # not this handler's fault: the app stops (see App.sink)
            except Exception:
                log.exception("handler %s failed on %s %s", _name(handler), type(event).__name__, event.event_id)
                steps = self._sorry(event, community)
            if steps and await self._carry_out(handler, event, community, steps, results):
                return  # the handler said STOP: the later ones do not see this event

    async def _carry_out(self, handler: Handler, event: Event, community: Community, steps: Sequence[Step],
                         results: list[ActionResult]) -> bool:
        """Carry out `steps` in order; True when one of them (or a later step of a `Then`) is STOP."""
        stop = False
        for step in steps:
            if step is STOP:
                stop = True
            elif isinstance(step, Later):
                self._start_later(handler, event, community, step)
            elif isinstance(step, Then):
                result = await self.outbox.send(event.platform, step.action)
                results.append(result)
                try:
                    more = await step.after(result)
                except Exception:
                    log.exception("handler %s failed after %s on %s %s", _name(handler), type(step.action).__name__,
                                  type(event).__name__, event.event_id)  # fmt: skip
                    more = self._sorry(event, community)
                stop = await self._carry_out(handler, event, community, more, results) or stop
            else:
                results.append(await self.outbox.send(event.platform, step))
        return stop

    def _start_later(self, handler: Handler, event: Event, community: Community, step: Later) -> None:
        task = asyncio.get_running_loop().create_task(self._run_later(handler, event, community, step))
        self._later.add(task)
        task.add_done_callback(self._later_done)

    def _later_done(self, task: asyncio.Task[None]) -> None:
        """A later step's task is over. Its own last step already said so (`_run_later`), which wakes a caller
        of `settle` one turn of the loop sooner; this callback covers a task cancelled before it ever ran."""
        self._later.discard(task)
        if not self._later and self._settling:
            settling, self._settling = self._settling, []
            for waiter in settling:
                if not waiter.done():
                    waiter.set_result(None)

    async def _run_later(self, handler: Handler, event: Event, community: Community, step: Later) -> None:
        """A `Later` step's own way: its steps once known, carried out like the handler's (a STOP among them
        no longer stops anything: the later handlers have seen the event). A store that cannot take work stops
        the app, as it does on the event's own way."""
        try:
            try:
                more = await step.steps
            except StoreUnavailable:
                raise
            except Exception:
                log.exception("handler %s failed later on %s %s", _name(handler), type(event).__name__,
                              event.event_id)  # fmt: skip
                more = self._sorry(event, community)
            await self._carry_out(handler, event, community, more, [])
        except StoreUnavailable as error:
            log.error("handler %s, later on %s %s: %s", _name(handler), type(event).__name__, event.event_id, error)
            if self.on_store_failed is not None:
                self.on_store_failed(error)
        finally:
            task = asyncio.current_task()
            if task is not None:
                self._later_done(task)

    @property
    def pending_later(self) -> int:
        """`Later` steps not carried out yet."""
        return len(self._later)

    async def settle(self) -> None:
        """Wait until every `Later` step is carried out, those they start included (the caller's own task, if it
        is one of them, is not waited for)."""
        while self._later:
            current = asyncio.current_task()
            if current in self._later:  # a later step that waits for the others (never for itself)
                others = [task for task in self._later if task is not current]
                if not others:
                    return
                await asyncio.wait(others)
                continue
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._settling.append(waiter)
            await waiter

    def _sorry(self, event: Event, community: Community) -> list[Step]:
        """After a handler failed: an interaction gets a private "something went wrong", anything else nothing."""
        interaction = getattr(event, "interaction", None)
        if interaction is None:
            return []
        text = self.catalogue.text(community.locale, "core.internal_error")
        return [Answer(interaction=interaction, content=Content(text=text), ephemeral=True)]


class _Passage:
    """One event's way through the middleware chain to the handlers, from the middleware at `step` on (those
    before it let the event through already); it is the `next` each middleware calls.

    A single object per event (rather than a closure per middleware) keeps the way cheap.
    """

    __slots__ = ("community", "dispatcher", "event", "results", "step")

    def __init__(self, dispatcher: Dispatcher, event: Event, community: Community, results: list[ActionResult],
                 step: int = 0) -> None:
        self.dispatcher = dispatcher
        self.event = event
        self.community = community
        self.results = results
        self.step = step

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
