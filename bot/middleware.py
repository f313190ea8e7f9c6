"""Cross-cutting steps every event passes before any handler: ignore bots, drop replays.

Each is a small callable `(event, community, next)` that calls `next()` to let the event through.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable

import sqlite_utils

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
    recorded in the store's `seen_events`, in the same thread as other writes.
    """

    def __init__(self, store: Store, memory_size: int = 50_000) -> None:
        self.store = store
        self.memory_size = memory_size
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()

    def _durable(self, event: Event) -> bool:
        return event.platform is PlatformName.SLACK or isinstance(event, MemberJoined)

    async def __call__(self, event: Event, community: Community, nxt: Next) -> None:
        key = (str(event.platform), event.event_id)
        if key in self._recent:
            log.debug("dropping replayed %s %s", type(event).__name__, event.event_id)
            return
        if self._durable(event):
            # marked seen only by the durable write: while it waits (another process holds the database), a
            # second delivery of the same event waits behind it instead of being dropped on a memory of a write
            # that may yet fail
            first = await self.store.run(lambda db: _record(db, key, event.at.isoformat()))
            if not first:
                log.info("dropping %s %s delivered again", type(event).__name__, event.event_id)
                return
        self._recent[key] = None
        if len(self._recent) > self.memory_size:
            self._recent.popitem(last=False)
        await nxt()


def _record(db: sqlite_utils.Database, key: tuple[str, str], seen_at: str) -> bool:
    cursor = db.execute(
        "INSERT OR IGNORE INTO seen_events (platform, event_id, seen_at) VALUES (?, ?, ?)",
        [key[0], key[1], seen_at],
    )
    db.conn.commit()
    return cursor.rowcount == 1
