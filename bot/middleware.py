"""Cross-cutting steps every event passes before any handler: ignore bots, drop replays.

Each is a small callable `(event, community, next)` that calls `next()` to let the event through, with an
`admit(event)` answer for the events it decides without waiting (see `Dispatcher.use`): most events only need
a yes from each, and the dispatcher asks that first.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterable

from bot import seen_events
from bot.dispatcher import Next
from bot.events import Event, MemberJoined, PlatformName
from bot.store import Store
from config.settings import Community

log = logging.getLogger(__name__)


class IgnoreBots:
    """Drop events caused by bots, ours included: the bot never answers itself or another bot."""

    def __init__(self, own_ids: Iterable[str] = ()) -> None:
        self.own_ids = set(own_ids)

    def admit(self, event: Event) -> bool:
        member = event.member
        return member is None or not (member.is_bot or member.id in self.own_ids)

    async def __call__(self, event: Event, community: Community, nxt: Next) -> None:
        if self.admit(event):
            await nxt()


class DeduplicateEvents:
    """Handle each platform event once, even when the platform delivers it again.

    Recent ids are remembered in memory (gateway replays after a resume). Events whose replay would be visible
    or is likely across restarts (every Slack delivery, which Slack retries when unsure; member joins) are also
    recorded in the store's `seen_events`, in two phases (`seen_events.claim`, then `finish` once every handler
    ran, written with the store's next trip): an id counts as seen only once its handling is done. While the
    store is locked the claim waits (`Store.run` retries with backoff); if the store fails before the
    handlers' writes land, the claim is released (or, when even that cannot be written, left unfinished),
    `StoreUnavailable` reaches the platform with the event unacknowledged, and the next delivery is handled.
    A delivery that arrives while the same event is being handled waits for that handling and shares its
    outcome, so it is acknowledged only if the first one succeeds.
    """

    def __init__(self, store: Store, memory_size: int = 50_000) -> None:
        self.store = store
        self.memory_size = memory_size
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._handling: dict[tuple[str, str], asyncio.Future[None]] = {}

    def _durable(self, event: Event) -> bool:
        return event.platform is PlatformName.SLACK or isinstance(event, MemberJoined)

    def admit(self, event: Event) -> bool | None:
        """A replay remembered in memory is dropped, an event remembered in memory only is let through (and
        remembered); an event recorded in the store needs the full call."""
        if event.platform is PlatformName.SLACK or isinstance(event, MemberJoined):
            return None
        # The same key as `(str(event.platform), ...)`: a StrEnum member hashes and compares as its value.
        key = (event.platform, event.event_id)
        recent = self._recent
        if key in recent:
            log.debug("dropping replayed %s %s", type(event).__name__, event.event_id)
            return False
        recent[key] = None
        if len(recent) > self.memory_size:
            recent.popitem(last=False)
        return True

    def _remember(self, key: tuple[str, str]) -> None:
        self._recent[key] = None
        if len(self._recent) > self.memory_size:
            self._recent.popitem(last=False)

    async def __call__(self, event: Event, community: Community, nxt: Next) -> None:
        key = (str(event.platform), event.event_id)
        if key in self._recent:
            log.debug("dropping replayed %s %s", type(event).__name__, event.event_id)
            return
        if not self._durable(event):
            self._remember(key)
            await nxt()
            return
        first = self._handling.get(key)
        if first is not None:  # the same event, delivered again while it is being handled
            await asyncio.shield(first)  # raises as the first delivery did: then neither is acknowledged
            log.info("dropping %s %s delivered again", type(event).__name__, event.event_id)
            return
        handling = asyncio.get_running_loop().create_future()
        handling.add_done_callback(_quiet)
        self._handling[key] = handling
        try:
            await self._handle_once(event, key, nxt)
            handling.set_result(None)
        except asyncio.CancelledError:  # stopping: the claim stays unfinished, the next run handles it
            handling.cancel()
            raise
        except BaseException as error:
            handling.set_exception(error)
            raise
        finally:
            del self._handling[key]

    async def _handle_once(self, event: Event, key: tuple[str, str], nxt: Next) -> None:
        mark = await self.store.run(lambda db: seen_events.claim(db, key[0], key[1], event.at))
        if mark is seen_events.Mark.HANDLED:
            self._remember(key)
            log.info("dropping %s %s delivered again", type(event).__name__, event.event_id)
            return
        if mark is seen_events.Mark.UNFINISHED:
            log.info("handling %s %s again: its handling was interrupted", type(event).__name__, event.event_id)
        try:
            await nxt()
        except Exception:
            try:
                await self.store.run(lambda db: seen_events.release(db, key[0], key[1]))
            except Exception:  # the store is gone: the claim stays unfinished, which also means "handle again"
                log.debug("could not release the claim on %s %s", *key, exc_info=True)
            raise
        # Written on the store's next trip, not one of its own: a join would otherwise cost three. Until then
        # the memory drops replays; a crash before it leaves the claim unfinished, which means "handle again",
        # and every durable handler already makes a second handling a no-op (the welcome's own ledger).
        self.store.later(lambda db: seen_events.finish(db, key[0], key[1]))
        self._remember(key)


def _quiet(future: asyncio.Future[None]) -> None:
    """A failed handling nobody else waited for is the caller's error already: not "never retrieved"."""
    if not future.cancelled():
        future.exception()
