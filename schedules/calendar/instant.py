"""The posts of one due instant, read and rendered ahead of it, then claimed in chunks and sent at once.

Before the instant (`read_ahead`, 2 s before it), its posts are read with their revisions in one trip, writing
nothing, and their messages rendered. At the instant they are claimed in chunks that grow (`CLAIM_CHUNKS`): the
next chunk's claim is on its way to the store before the sends of the one before start, so the first posts go
out at once and the store claims the rest while the platform calls are made. A claim uses a read only if the
post is unchanged since (same revision, due time and status), so an edit, new targets or a cancellation made
in between wins: such a post is read again and delivered the ordinary way.

A plain post (the SMM's message, one target, one occurrence, claimed from its read) is sent by a few workers
per chunk rather than a task of its own, and its outcome is handed to the record without waiting for it: the
outcomes are written together once every chunk is claimed (still before anything is reported), and only a post
whose record asks for more (a failure to tell its author, a store fault) gets a task then. A kill in between
leaves its row `sending` after the send, settled at the next start like any other (`settlement`).

Every post's lock is held from the start of the run, so no other wake-up (the sweep) delivers it meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Protocol

import sqlite_utils

from bot.actions import ActionResult, Content
from bot.clock import Clock
from bot.dispatcher import CommunityDirectory
from bot.store.database import StoreUnavailable
from config.settings import Community
from handlers.calendar import posts as ledger
from handlers.calendar.bulk import Finish
from handlers.calendar.posts import CalendarPost, Delivery
from handlers.calendar.preview import outgoing_content
from schedules.calendar import occurrence, sending
from schedules.calendar.occurrence import Begun, Read, Record, Recorded
from schedules.calendar.sending import SENDS_PER_PLATFORM, Sender
from schedules.calendar.trips import Gathered, Trips


class Publisher(Protocol):
    """What an instant's run uses of the publisher (`schedules.calendar.delivery.Publisher`)."""

    clock: Clock
    trips: Trips
    directory: CommunityDirectory
    records: Gathered[Record, Recorded]
    sender: Sender
    started_at: datetime | None
    reschedule: Callable[[int, datetime | None], None]

    @property
    def stopping(self) -> bool: ...

    def begin_many(self, db: sqlite_utils.Database, asks: list[tuple[int, Read | None]]) -> list[Begun]: ...

    def hold(self, post_id: int, lock: asyncio.Lock) -> None: ...

    def done_with(self, post_id: int, lock: asyncio.Lock) -> None: ...

    def run_claimed(self, post_id: int, first: tuple[Begun, Rendered | None] | None
                    ) -> Coroutine[Any, Any, None]: ...

    def deliver_occurrence(self, post: CalendarPost, community: Community, begun: Begun,
                           rendered: Rendered | None = None, sent: Sent | None = None
                           ) -> Coroutine[Any, Any, None]: ...

log = logging.getLogger(__name__)
CLAIM_CHUNKS = (8, 16, 32, 64, 128, 256, 512)  # posts claimed per trip: each chunk claimed while the last is sent
Rendered = dict[str, Content]  # a post's message per platform, rendered ahead of its due time
Sent = tuple[Delivery, ActionResult, Finish, "asyncio.Future[Recorded]"]  # a send made, its record on its way


@dataclass(frozen=True, slots=True)
class Ahead:
    """A post read and rendered before its due instant."""

    read: Read
    due: datetime
    rendered: Rendered


class Run:
    """The posts of one instant's run: how many are still under way, and the faults met (post id, error)."""

    def __init__(self, publisher: Publisher, locks: dict[int, asyncio.Lock]) -> None:
        self.publisher = publisher
        self.locks = locks
        self.left = len(locks)
        self.over = asyncio.Event()
        self.faults: list[tuple[int, BaseException]] = []
        self.tasks: set[asyncio.Task[None]] = set()  # the run's workers and followers, kept till they end
        if not self.left:
            self.over.set()

    def done(self, post_id: int, error: BaseException | None = None) -> None:
        if error is not None:
            self.faults.append((post_id, error))
        self.publisher.done_with(post_id, self.locks[post_id])
        self.left -= 1
        if self.left == 0:
            self.over.set()

    def follow(self, post_id: int, work: Coroutine[Any, Any, None]) -> None:
        """The rest of the post's delivery, as a task of its own."""
        self.start(work).add_done_callback(
            lambda ended: self.done(post_id, None if ended.cancelled() else ended.exception()))

    def start(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task


class Instants:
    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self.ahead: dict[int, Ahead] = {}  # posts of a coming instant, read and rendered before it

    async def read_ahead(self, post_ids: Sequence[int], due: datetime) -> int:
        """Read the instant's posts (one trip, writing nothing) and render their messages; how many were read.

        Only the SMM's own messages are rendered ahead (another kind, a poll, renders from its own state at
        send time)."""
        p = self.publisher
        now = p.clock.now()
        for post_id in [i for i, kept in self.ahead.items() if kept.due < now]:
            del self.ahead[post_id]  # read for an instant gone by without claiming them (moved, cancelled)
        reads = await p.trips.run(partial(occurrence.read_ahead, post_ids=list(post_ids), due=due))
        for read in reads:
            post = read.post
            if post.kind != "message":
                continue
            try:
                community = p.directory.by_id(post.community)
                rendered = {target.platform: outgoing_content(post, target.platform, community)
                            for target in post.targets}
            except Exception:  # left to the claim, which reads it again and fails or succeeds on its own
                log.exception("post %s: could not be rendered ahead of its due time", post.id)
                continue
            self.ahead[post.id] = Ahead(read, due, rendered)
        return len(reads)

    async def run(self, post_ids: list[int]) -> list[tuple[int, BaseException]]:
        """Claim and send the posts read ahead (their locks not held by anyone); the faults met, by post."""
        if not post_ids:
            return []
        p = self.publisher
        locks = {post_id: asyncio.Lock() for post_id in post_ids}
        for post_id, lock in locks.items():
            p.hold(post_id, lock)
            await lock.acquire()  # a new lock: taken at once, without yielding
        run = Run(p, locks)
        kept = [(post_id, self.ahead.pop(post_id)) for post_id in post_ids]
        chunks: list[list[tuple[int, Ahead]]] = []
        while (start := sum(len(chunk) for chunk in chunks)) < len(kept):
            chunks.append(kept[start:start + CLAIM_CHUNKS[min(len(chunks), len(CLAIM_CHUNKS) - 1)]])
        claiming = self._claim(chunks[0])
        p.records.hold()  # the outcomes are written once every chunk is claimed: the claims go first
        try:
            await self._claim_chunks(chunks, claiming, run)
        finally:
            asyncio.get_running_loop().call_soon(p.records.release)  # after the last chunk's first sends
        await run.over.wait()
        return run.faults

    async def _claim_chunks(self, chunks: list[list[tuple[int, Ahead]]], claiming: asyncio.Future[list[Begun]],
                            run: Run) -> None:
        """Each chunk's claim answered, the next one sent, then the chunk's posts started."""
        p = self.publisher
        for index, chunk in enumerate(chunks):
            begun: list[Begun | None]
            try:
                begun = list(await claiming)
            except StoreUnavailable as error:  # the posts not claimed share the answer; the others finish
                for later in chunks[index:]:
                    for post_id, _ in later:
                        run.done(post_id, error)
                return
            except Exception:  # a fault in one post of the chunk (a bug): each of them is taken up on its own
                log.exception("posts %s: their shared claim failed; taken up one by one", [i for i, _ in chunk])
                begun = [None] * len(chunk)
            last = index + 1 == len(chunks)
            if not last and p.stopping:  # claim no more: the posts not claimed stay due for the next start
                for later in chunks[index + 1:]:
                    for post_id, _ in later:
                        run.done(post_id)
                last = True
            elif not last:
                claiming = self._claim(chunks[index + 1])
            plain: deque[tuple[int, Begun, Rendered]] = deque()
            for (post_id, kept), one in zip(chunk, begun, strict=True):
                if one is not None and _plain(one, kept.rendered):
                    plain.append((post_id, one, kept.rendered))
                else:
                    first = None if one is None else (one, kept.rendered if one.ahead else None)
                    run.follow(post_id, p.run_claimed(post_id, first))
            platforms = len({one.claimed.target.platform for _, one, _ in plain if one.claimed is not None})
            for _ in range(min(len(plain), SENDS_PER_PLATFORM * platforms)):
                run.start(self._send_plain(plain, run))
            if last:
                return

    def _claim(self, chunk: list[tuple[int, Ahead]]) -> asyncio.Future[list[Begun]]:
        asks: list[tuple[int, Read | None]] = [(post_id, kept.read) for post_id, kept in chunk]
        return self.publisher.trips.submit(lambda db: self.publisher.begin_many(db, asks))

    async def _send_plain(self, plain: deque[tuple[int, Begun, Rendered]], run: Run) -> None:
        """A worker of a chunk: sends its plain posts one after the other, handing each outcome to the record."""
        while plain:
            post_id, begun, rendered = plain.popleft()
            try:
                await self._send_one(post_id, begun, rendered, run)
            except BaseException as error:  # the post's fault alone (cancelled: the loop is closing)
                run.done(post_id, error)
                if isinstance(error, asyncio.CancelledError):
                    raise

    async def _send_one(self, post_id: int, begun: Begun, rendered: Rendered, run: Run) -> None:
        p = self.publisher
        post, delivery, due = begun.post, begun.claimed, begun.due
        assert post is not None and delivery is not None and due is not None
        community = p.directory.by_id(post.community)
        deadline = max(due, p.started_at or due) + community.calendar.grace_period
        attempt = await p.sender.attempt(post, community, delivery, deadline, stoppable=True,
                                         content=rendered[delivery.target.platform])
        if attempt is None:  # the stop began before the call: give the claim back rather than leave it unsure
            run.follow(post_id, self._give_back(delivery.id))
            return
        result, attempts = attempt
        outcome = sending.outcome(result, delivery, attempts)
        recording = p.records.submit(Record(post, due, delivery, outcome, begun.late, p.stopping))
        sent: Sent = (delivery, result, outcome, recording)
        if not result.ok:  # the author is told why: the ordinary way
            run.follow(post_id, p.deliver_occurrence(post, community, begun, rendered, sent))
            return

        def recorded(done: asyncio.Future[Recorded]) -> None:
            step = None if done.cancelled() or done.exception() is not None else done.result()
            if step is None or not step.advanced:
                run.follow(post_id, p.deliver_occurrence(post, community, begun, rendered, sent))
                return
            p.reschedule(post.id, step.following)
            run.done(post_id)

        recording.add_done_callback(recorded)

    async def _give_back(self, delivery_id: int) -> None:
        await self.publisher.trips.run(partial(ledger.release_delivery, delivery_id=delivery_id))


def _plain(begun: Begun, rendered: Rendered) -> bool:
    """Sent the lean way: the SMM's message with one target and one occurrence, claimed from its read."""
    post = begun.post
    return (begun.ahead and begun.claimed is not None and not begun.missed and post is not None
            and post.kind == "message" and not post.recurring and len(post.targets) == 1
            and begun.claimed.target.platform in rendered)
