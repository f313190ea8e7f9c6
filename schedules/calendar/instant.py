"""The posts of one due instant, read and rendered ahead of it, then claimed in chunks and sent at once.

Before the instant (`read_ahead`, 2 s before it), its posts are read with their revisions in one trip, writing
nothing, and their messages rendered. At the instant they are claimed in chunks that grow (`CLAIM_CHUNKS`): the
next chunk's claim is on its way to the store before the sends of the one before start, so the first posts go
out at once and the store claims the rest while the platform calls are made. A claim uses a read only if the
post is unchanged since (same revision, due time and status), so an edit, new targets or a cancellation made
in between wins: such a post is read again and delivered the ordinary way.

A plain post (the SMM's message, one target, one occurrence, claimed from its read) has its platform call made
ready at the read (the `Post`, its key included), and is sent by a few workers per chunk rather than a task of
its own; each worker holds one of the platform's slots and sets its community's deadline once for all the posts
it sends, so what is left per post at the instant is the call and a note of its result in the run. The run
writes those results once every chunk is claimed (still before anything is reported), as one piece per trip
(the results noted while a trip is on its way wait for the next: group commit), and builds each post's record
on the store's thread; only a post whose record asks for more (a failure: retried within the deadline, then
its author told; a store fault) gets a task. A kill in between leaves its row `sending` after the send,
settled at the next start like any other (`settlement`).

Every post is held by the run from its start (`Publisher.hold`: one mark each, one event for the run), so no
other wake-up (the sweep) delivers it meanwhile; they wait for the run's end and find it done.
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

from bot.actions import ActionResult, Content, Post
from bot.clock import Clock
from bot.deadline import within
from bot.dispatcher import CommunityDirectory
from bot.events import PlatformName
from bot.outbox import Outbox
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
    outbox: Outbox
    started_at: datetime | None
    reschedule: Callable[[int, datetime | None], None]

    @property
    def stopping(self) -> bool: ...

    def begin_many(self, db: sqlite_utils.Database, asks: list[tuple[int, Read | None]]) -> list[Begun]: ...

    def hold(self, post_ids: Sequence[int]) -> asyncio.Event: ...

    def release(self, post_ids: Sequence[int], released: asyncio.Event) -> None: ...

    def run_claimed(self, post_id: int, first: tuple[Begun, Rendered | None] | None
                    ) -> Coroutine[Any, Any, None]: ...

    def deliver_occurrence(self, post: CalendarPost, community: Community, begun: Begun,
                           rendered: Rendered | None = None, sent: Sent | None = None
                           ) -> Coroutine[Any, Any, None]: ...

log = logging.getLogger(__name__)
CLAIM_CHUNKS = (8, 16, 32, 64, 128, 256, 512)  # posts claimed per trip: each chunk claimed while the last is sent
Rendered = dict[str, Content]  # a post's message per platform, rendered ahead of its due time
Sent = tuple[Delivery, ActionResult, Finish, "asyncio.Future[Recorded]"]  # a send made, its record on its way
Made = tuple[int, Begun, "Ahead", Community, ActionResult]  # a plain post sent: post id, begun, read, where, result


@dataclass(frozen=True, slots=True)
class Ahead:
    """A post read and rendered before its due instant; `action`: its one send, made ready (a plain post)."""

    read: Read
    due: datetime
    rendered: Rendered
    action: Post | None = None


class Run:
    """The posts of one instant's run: how many are still under way, and the faults met (post id, error)."""

    def __init__(self, publisher: Publisher, posts: int) -> None:
        self.publisher = publisher
        self.left = posts
        self.over = asyncio.Event()
        self.faults: list[tuple[int, BaseException]] = []
        self.tasks: set[asyncio.Task[None]] = set()  # the run's workers and followers, kept till they end
        self._deadlines: dict[str, tuple[Community, datetime]] = {}  # community id -> it, its sends' deadline
        self.sent: list[Made] = []  # plain posts sent whose outcome is not on its way to the store yet
        self.claimed = False  # every chunk claimed (or given up): outcomes may be written
        self._writing = False  # a trip carries outcomes now: the next ones wait for it (group commit)
        if not self.left:
            self.over.set()

    def made(self, one: Made) -> None:
        """A plain post's call succeeded: its outcome goes to the store with the others sent meanwhile."""
        self.sent.append(one)
        if self.claimed and not self._writing:
            self._writing = True
            asyncio.get_running_loop().call_soon(self._write)

    def all_claimed(self) -> None:
        self.claimed = True
        if self.sent and not self._writing:
            self._writing = True
            asyncio.get_running_loop().call_soon(self._write)

    def _write(self) -> None:
        """One piece for the outcomes sent so far: each written, and its post moved on, in the next trip."""
        batch, self.sent = self.sent, []
        if not batch:
            self._writing = False
            return
        p = self.publisher
        stopping = p.stopping
        work = p.records.work

        def record(db: sqlite_utils.Database) -> list[Recorded]:  # on the store's thread
            return work(db, [_record(one, stopping) for one in batch])

        p.trips.submit(record).add_done_callback(partial(self._written, batch, stopping))

    def _written(self, batch: list[Made], stopping: bool, answer: asyncio.Future[list[Recorded]]) -> None:
        self._writing = False
        p = self.publisher
        error = None if answer.cancelled() else answer.exception()
        if answer.cancelled() or isinstance(error, StoreUnavailable):
            for one in batch:
                self.done(one[0], error)
        elif error is not None:  # a fault in one of them (a bug): each one recorded on its own, the usual way
            for one in batch:
                try:
                    self._follow_up(one, p.records.submit(_record(one, stopping)))
                except Exception as fault:
                    self.done(one[0], fault)
        else:
            loop = asyncio.get_running_loop()
            for one, step in zip(batch, answer.result(), strict=True):
                try:
                    if step.advanced:
                        p.reschedule(one[0], step.following)
                        self.done(one[0])
                    else:
                        recorded: asyncio.Future[Recorded] = loop.create_future()
                        recorded.set_result(step)
                        self._follow_up(one, recorded)
                except Exception as fault:
                    self.done(one[0], fault)
        if self.sent:
            self._writing = True
            self._write()

    def _follow_up(self, one: Made, recording: asyncio.Future[Recorded]) -> None:
        """The rest of a plain post's delivery the ordinary way, its outcome recorded by `recording`."""
        post_id, begun, kept, community, result = one
        assert begun.post is not None and begun.claimed is not None
        sent: Sent = (begun.claimed, result, sending.outcome(result, begun.claimed, begun.claimed.attempts + 1),
                      recording)
        self.follow(post_id, self.publisher.deliver_occurrence(begun.post, community, begun, kept.rendered, sent))

    def deadline(self, community_id: str, due: datetime) -> tuple[Community, datetime]:
        """The community and the end of its grace period for the occurrence due at `due`, the deadline of its
        sends: the same for every post of the run in that community, so worked out once."""
        known = self._deadlines.get(community_id)
        if known is None:
            p = self.publisher
            community = p.directory.by_id(community_id)
            known = (community, max(due, p.started_at or due) + community.calendar.grace_period)
            self._deadlines[community_id] = known
        return known

    def done(self, post_id: int, error: BaseException | None = None) -> None:
        if error is not None:
            self.faults.append((post_id, error))
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
            action = None
            if not post.recurring and len(post.targets) == 1:
                target = post.targets[0]
                action = Post(channel_id=target.channel_id, content=rendered[target.platform],
                              idempotency_key=ledger.occurrence_key(post.id, due, target))
            self.ahead[post.id] = Ahead(read, due, rendered, action)
        return len(reads)

    async def run(self, post_ids: list[int]) -> list[tuple[int, BaseException]]:
        """Claim and send the posts read ahead (their locks not held by anyone); the faults met, by post."""
        if not post_ids:
            return []
        p = self.publisher
        released = p.hold(post_ids)
        try:
            run = Run(p, len(post_ids))
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
                run.all_claimed()
            await run.over.wait()
        finally:
            p.release(post_ids, released)
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
            plain: dict[str, deque[tuple[int, Begun, Ahead]]] = {}  # by platform
            for (post_id, kept), one in zip(chunk, begun, strict=True):
                # Sent the lean way: the SMM's message with one target and one occurrence (its send made ready at
                # the read: `Ahead.action`), claimed from that read, so the post claimed is the one read.
                if one is not None and one.ahead and one.claimed is not None and not one.missed and kept.action:
                    plain.setdefault(one.claimed.target.platform, deque()).append((post_id, one, kept))
                else:
                    first = None if one is None else (one, kept.rendered if one.ahead else None)
                    run.follow(post_id, p.run_claimed(post_id, first))
            for platform, queue in plain.items():
                for _ in range(min(len(queue), SENDS_PER_PLATFORM)):
                    run.start(self._send_plain(PlatformName(platform), queue, run))
            if last:
                return

    def _claim(self, chunk: list[tuple[int, Ahead]]) -> asyncio.Future[list[Begun]]:
        asks: list[tuple[int, Read | None]] = [(post_id, kept.read) for post_id, kept in chunk]
        return self.publisher.trips.submit(lambda db: self.publisher.begin_many(db, asks))

    async def _send_plain(self, platform: PlatformName, plain: deque[tuple[int, Begun, Ahead]], run: Run) -> None:
        """A worker of a chunk: sends its plain posts on `platform` one after the other, handing each outcome to
        the record. It holds one of the platform's slots while it works, and each community's deadline is set
        once for the posts of that community in a row (all of them, usually), not once per post. What is left
        per post is the call itself and a note of its result: the rest was made ready at the read."""
        p = self.publisher
        send = p.outbox.send
        async with p.sender.slot(platform):
            while plain:
                community, deadline = run.deadline(plain[0][2].read.post.community, plain[0][2].due)
                with within((deadline - p.clock.now()).total_seconds()):  # the library's own retries stop there
                    while plain and plain[0][2].read.post.community == community.id:
                        post_id, begun, kept = plain.popleft()
                        try:
                            delivery = begun.claimed
                            assert delivery is not None and kept.action is not None
                            if p.stopping:  # the stop began before the call: give the claim back, not leave it unsure
                                run.follow(post_id, self._give_back(delivery.id))
                                continue
                            action = kept.action
                            if action.idempotency_key != delivery.idempotency_key:  # (never, by design)
                                action = Post(channel_id=delivery.target.channel_id, content=action.content,
                                              idempotency_key=delivery.idempotency_key)
                            result = await send(platform, action)
                            if result.ok:
                                run.made((post_id, begun, kept, community, result))
                            else:  # retried the ordinary way, then the author is told why
                                run.follow(post_id, self._after_failure(begun, kept, community, result, run))
                        except BaseException as error:  # the post's fault alone (cancelled: the loop is closing)
                            run.done(post_id, error)
                            if isinstance(error, asyncio.CancelledError):
                                raise

    async def _after_failure(self, begun: Begun, kept: Ahead, community: Community, result: ActionResult,
                             run: Run) -> None:
        """A plain post whose call failed: the sender's retries within the deadline, then the outcome recorded
        and, for a failure, its author told why (`deliver_occurrence`)."""
        p = self.publisher
        post, delivery, due = begun.post, begun.claimed, begun.due
        assert post is not None and delivery is not None and due is not None
        _, deadline = run.deadline(community.id, due)
        made = await p.sender.attempt(post, community, delivery, deadline, content=kept.rendered[
            delivery.target.platform], first=result)
        assert made is not None  # not stoppable: the first call was made
        result, attempts = made
        outcome = sending.outcome(result, delivery, attempts)
        recording = p.records.submit(Record(post, due, delivery, outcome, begun.late, p.stopping))
        await p.deliver_occurrence(post, community, begun, kept.rendered, (delivery, result, outcome, recording))

    async def _give_back(self, delivery_id: int) -> None:
        await self.publisher.trips.run(partial(ledger.release_delivery, delivery_id=delivery_id))


def _record(one: Made, stopping: bool) -> Record:
    """What `record_many` writes for a plain post sent at its first call."""
    _, begun, _, _, result = one
    post, delivery, due = begun.post, begun.claimed, begun.due
    assert post is not None and delivery is not None and due is not None
    return Record(post, due, delivery, sending.outcome(result, delivery, delivery.attempts + 1), begun.late, stopping)
