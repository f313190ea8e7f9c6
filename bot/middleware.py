"""Cross-cutting steps every event passes before any handler: ignore bots, drop replays.

Each is a small callable `(event, community, next)` that calls `next()` to let the event through.
"""

from __future__ import annotations

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

    async def __call__(self, event: Event, community: Community, nxt: Next) -> None:
        member = event.member
        if member is not None and (member.is_bot or member.id in self.own_ids):
            return
        await nxt()


class DeduplicateEvents:
    """Handle each platform event once, even when the platform delivers it again.

    Recent ids are remembered in memory (gateway replays after a resume). Events whose replay would be visible
    or is likely across restarts (every Slack delivery, which Slack retries when unsure; member joins) are also
    recorded in the store's `seen_events`. An id counts as seen only once that durable write is committed:
    while the store is locked the write waits (`Store.run` retries with backoff), and if the store cannot take
    it at all, `StoreUnavailable` reaches the platform with nothing marked, so a retried delivery is handled.
    """

    def __init__(self, store: Store, memory_size: int = 50_000) -> None:
        self.store = store
        self.memory_size = memory_size
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()

    def _durable(self, event: Event) -> bool:
        return event.platform is PlatformName.SLACK or isinstance(event, MemberJoined)

    def _remember(self, key: tuple[str, str]) -> None:
        self._recent[key] = None
        if len(self._recent) > self.memory_size:
            self._recent.popitem(last=False)

    async def __call__(self, event: Event, community: Community, nxt: Next) -> None:
        key = (str(event.platform), event.event_id)
        if key in self._recent:
            log.debug("dropping replayed %s %s", type(event).__name__, event.event_id)
            return
        if self._durable(event):
            # marked seen only by the durable write: while it waits (another process holds the database), a
            # second delivery of the same event waits behind it instead of being dropped on a memory of a write
            # that may yet fail
            first = await self.store.run(lambda db: seen_events.record(db, key[0], key[1], event.at))
            self._remember(key)
            if not first:
                log.info("dropping %s %s delivered again", type(event).__name__, event.event_id)
                return
        else:
            self._remember(key)
        await nxt()
