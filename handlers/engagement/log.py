"""The engagement log: every message, reply, reaction, join and leave becomes one row of ids, never words.

The handler runs for every event of the community, so it does no database work: it appends a tuple to an
in-memory buffer. `BatchedWriter` writes the buffer with one `executemany` on the store's thread when it holds
`flush_events` rows, at least every `flush_seconds` (a timer task), and on shutdown. While one batch is being
written the next one fills; a second full batch waits for the first (back-pressure instead of unbounded memory).
A failed write puts its rows back, so nothing is lost to a transient disk error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from bot.actions import Action
from bot.events import Event, Member, MemberJoined, MemberLeft, MessagePosted, ReactionAdded
from bot.optouts import OptOuts
from bot.roles import Role, listed_ids
from bot.store import Store
from config.settings import Community
from handlers.calendar.posts import published_since
from handlers.engagement import membership, presence
from handlers.engagement.migrations import EVENTS, ROLLUPS, STAFF

log = logging.getLogger(__name__)

# community, platform, channel id, member id, kind, epoch seconds, message id, target id (replied/reacted to),
# 1 when posted in a help channel, scheduled post id (filled in when the batch is written)
Row = tuple[str, str, str, str, str, int, str | None, str | None, int, int | None]
# `feedback_mark`: rows of older versions, when a CM's feedback reaction was logged here; the feedback inbox
# (handlers/feedback) takes marked messages now, and nothing reads these rows any more.
KINDS = ("message", "reply", "reaction", "join", "leave", "feedback_mark")
STAFF_ROLES = frozenset({Role.SMM, Role.CM, Role.ADMIN})
_INSERT = (
    f"INSERT INTO {EVENTS} (community, platform, channel_id, member_id, kind, at, message_id, target_id, help,"
    " post_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class PublishedPosts:
    """Which platform messages are our scheduled posts, so replies and reactions to them carry the post id.

    Read from the calendar's delivery ledger on the store's thread before each batch is written (only the
    deliveries finished since the last look), so attribution costs nothing on the hot path.
    """

    def __init__(self) -> None:
        self._posts: dict[tuple[str, str, str], int] = {}
        self._since = ""

    def refresh(self, db: sqlite_utils.Database) -> None:
        for row in published_since(db, self._since):  # through the calendar's own table functions
            self._posts[(row["platform"], row["channel_id"], row["message_id"])] = int(row["post_id"])
            self._since = max(self._since, row["finished_at"] or "")

    def post_for(self, platform: str, channel_id: str, message_id: str | None) -> int | None:
        return self._posts.get((platform, channel_id, message_id)) if message_id else None

    def attribute(self, rows: Sequence[Row]) -> Sequence[Row]:
        """The rows, with the post id set on those that answer one of our posts."""
        if not self._posts:
            return rows
        get = self._posts.get
        return [
            (*row[:9], get((row[1], row[2], row[7]))) if row[7] is not None else row
            for row in rows
        ]


Handler = Callable[[Any, Community], Awaitable[Sequence[Action]]]
StaffKey = tuple[str, str, str]  # community, platform, member id
_STAFF = (
    f"INSERT INTO {STAFF} (community, platform, member_id, staff, seen_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (community, platform, member_id) DO UPDATE SET staff = excluded.staff, seen_at = excluded.seen_at"
)


def write_staff(db: sqlite_utils.Database, changes: dict[StaffKey, tuple[int, int]]) -> None:
    """Record accounts whose staff status changed (rare: once per account, then on a role change)."""
    with db.atomic():
        db.conn.executemany(_STAFF, [(*key, staff, at) for key, (staff, at) in changes.items()])


def write_rows(db: sqlite_utils.Database, rows: Sequence[Row], posts: PublishedPosts) -> None:
    """Insert a batch; a row that falls in an already final roll-up (written late) reopens that roll-up."""
    posts.refresh(db)
    earliest: dict[str, int] = {}
    for row in rows:
        community, at = row[0], row[5]
        if at < earliest.get(community, at + 1):
            earliest[community] = at
    with db.atomic():
        db.conn.executemany(_INSERT, posts.attribute(rows))
        for community, at in earliest.items():
            reopen_after(db, community, at)
            presence.reopen_after(db, community, at)
            membership.reopen_after(db, community, at)


class BatchedWriter:
    def __init__(self, store: Store, flush_events: int = 5000, flush_seconds: float = 1.0) -> None:
        self.store = store
        self.flush_events = flush_events
        self.flush_seconds = flush_seconds
        self.posts = PublishedPosts()
        self._rows: list[Row] = []
        self._staff: dict[StaffKey, tuple[int, int]] = {}
        self._writing: asyncio.Future[None] | None = None
        self._timer: asyncio.Task[None] | None = None

    @property
    def buffered(self) -> int:
        return len(self._rows)

    async def add(self, row: Row) -> None:
        if self.append(row):
            await self._start_batch()

    def append(self, row: Row) -> bool:
        """Buffer `row` without a coroutine (the hot path); True when the buffer is full and must be written."""
        rows = self._rows
        rows.append(row)
        return len(rows) >= self.flush_events

    async def write_full_buffer(self) -> None:
        await self._start_batch()

    def note_staff(self, key: StaffKey, staff: bool, at: int) -> None:
        """Remember that an account's staff status is now `staff` (written with the next batch)."""
        self._staff[key] = (int(staff), at)

    async def _start_batch(self) -> None:
        if self._writing is not None:
            # back-pressure: one batch in flight at a time. Shielded: cancelling the waiter (the flush timer, at
            # stop) must not cancel the write itself, or its rows are lost and the final flush fails.
            await asyncio.shield(self._writing)
        if not self._rows and not self._staff:
            return
        rows, self._rows = self._rows, []
        staff, self._staff = self._staff, {}
        self._writing = asyncio.ensure_future(self._write(rows, staff))

    async def _write(self, rows: list[Row], staff: dict[StaffKey, tuple[int, int]]) -> None:
        try:
            if staff:
                await self.store.run(lambda db: write_staff(db, staff))
            if rows:
                await self.store.run(lambda db: write_rows(db, rows, self.posts))
        except Exception:
            log.exception("could not write %d engagement events; keeping them for the next flush", len(rows))
            self._rows[:0] = rows
            self._staff = {**staff, **self._staff}
        finally:
            self._writing = None

    async def flush(self) -> None:
        """Write everything buffered now and wait until it is stored."""
        await self._start_batch()
        if self._writing is not None:
            await asyncio.shield(self._writing)

    async def start(self) -> None:
        """Start the timer that flushes at least every `flush_seconds`."""
        if self._timer is None:
            self._timer = asyncio.create_task(self._tick(), name="engagement-flush")

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.flush_seconds)
            await self.flush()

    async def stop(self) -> None:
        """Stop the timer and write what is left (a clean stop loses nothing)."""
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
            self._timer = None
        await self.flush()


class EngagementLog:
    """The handlers: turn events into rows. Bots (dropped by the core already) and opted-out members are skipped."""

    def __init__(self, writer: BatchedWriter, optouts: OptOuts) -> None:
        self.writer = writer
        self.optouts = optouts
        self._spaces: dict[tuple[str, str], _Space] = {}
        self._staff_status: dict[StaffKey, bool] = {}

    def subscriptions(self) -> list[tuple[type[Event], Handler]]:
        """The events the log records, and the handler of each (edits, deletions and removed reactions are not
        recorded: the log keeps acts, not the current state of a message)."""
        return [(MessagePosted, self.on_message), (ReactionAdded, self.on_reaction), (MemberJoined, self.on_join),
                (MemberLeft, self.on_leave)]

    def _space(self, community: Community, platform: str) -> _Space:
        """What the handlers read of a community's settings on one platform, read once."""
        key = (community.id, platform)
        space = self._spaces.get(key)
        if space is None:
            settings = community.space(platform)
            space = self._spaces[key] = _Space(
                help=frozenset(settings.channels.help) if settings is not None else frozenset(),
                staff=listed_ids(community, platform, STAFF_ROLES))
        return space

    def _counted(self, community: Community, key: StaffKey, is_bot: bool) -> bool:
        return community.engagement.enabled and not is_bot and not self.optouts.is_opted_out(*key)

    def _see_staff(self, key: StaffKey, member: Member, staff_ids: frozenset[str], at: int) -> None:
        """Note whether the account holds a staff role (SMM, CM, admin), with each batch it has rows in (so a
        forget-me in between cannot lose it): two set look-ups against every id listed for a staff role."""
        staff = member.id in staff_ids or not member.roles.isdisjoint(staff_ids)
        if staff or self._staff_status.get(key):
            self.writer.note_staff(key, staff, at)
            self._staff_status[key] = staff

    # The handlers of messages and reactions run for every event: each reads the event's fields once, the
    # platform's name with `str()` (an enum's `.value` is a Python-level property), asks `_counted`'s question
    # and the settings' view (`_space`) inline, and appends its row without a coroutine of its own.
    async def on_message(self, event: MessagePosted, community: Community) -> Sequence[Action]:
        platform, member = str(event.platform), event.member
        key = (community.id, platform, member.id)
        if community.engagement.enabled and not member.is_bot and not self.optouts.is_opted_out(*key):
            space = self._spaces.get((key[0], platform)) or self._space(community, platform)
            target = event.reply_to_id or event.thread_id
            channel = event.channel.id
            at = int(event.at.timestamp())
            self._see_staff(key, member, space.staff, at)
            if self.writer.append((key[0], platform, channel, member.id, "reply" if target else "message", at,
                                   event.message_id, target, 1 if channel in space.help else 0, None)):
                await self.writer.write_full_buffer()
        return ()

    async def on_reaction(self, event: ReactionAdded, community: Community) -> Sequence[Action]:
        platform, member = str(event.platform), event.member
        key = (community.id, platform, member.id)
        if community.engagement.enabled and not member.is_bot and not self.optouts.is_opted_out(*key):
            space = self._spaces.get((key[0], platform)) or self._space(community, platform)
            at = int(event.at.timestamp())
            self._see_staff(key, member, space.staff, at)
            if self.writer.append((key[0], platform, event.channel.id, member.id, "reaction", at, None,
                                   event.message_id, 0, None)):
                await self.writer.write_full_buffer()
        return ()

    async def on_join(self, event: MemberJoined, community: Community) -> Sequence[Action]:
        return await self._membership(event, community, "join")

    async def on_leave(self, event: MemberLeft, community: Community) -> Sequence[Action]:
        return await self._membership(event, community, "leave")

    async def _membership(self, event: MemberJoined | MemberLeft, community: Community, kind: str) -> Sequence[Action]:
        platform, member = str(event.platform), event.member
        key = (community.id, platform, member.id)
        if self._counted(community, key, member.is_bot):
            at = int(event.at.timestamp())
            if kind == "join":
                self._see_staff(key, member, self._space(community, platform).staff, at)
            await self.writer.add((community.id, platform, "", member.id, kind, at, None, None, 0, None))
        return ()


@dataclass(frozen=True, slots=True)
class _Space:
    help: frozenset[str]  # the help channels' ids
    staff: frozenset[str]  # every id listed for a staff role (`bot.roles.listed_ids`)


def reopen_after(db: sqlite_utils.Database, community: str, earliest: int) -> int:
    """Make current again every final period that ends after `earliest` (epoch seconds): a row written late
    belongs to it, so its roll-up must be recomputed. Returns how many periods were reopened.

    Rows written on time fall in periods still running, so for them this is one indexed look-up that finds
    nothing."""
    return db.execute(
        f"DELETE FROM {ROLLUPS} WHERE community = ? AND end_epoch > ?", [community, earliest]
    ).rowcount
