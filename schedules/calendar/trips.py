"""Store work that falls due together, taken to the store together: one trip, one transaction, for many posts.

The store does its work on one thread, one piece after another. When a thousand posts fall due in the same
second, each post's claim and each post's record would be a round trip of its own, and the last post would wait
for thousands of trips in line. `Trips.run(fn)` queues `fn` instead: everything queued in the same turn of the
event loop, or while the previous trip is on the store's thread, goes to the store in the next trip (group
commit), up to `MAX_PIECES` at a time.

Each piece runs in its own savepoint inside the trip's transaction: a piece that raises is rolled back alone and
its caller gets the error, the others commit. An error that concerns the whole store (another process holds the
lock, the disk is full) is left to `Store.run`, which rolls the whole trip back and retries it or gives up: every
caller of that trip then hears the same answer. A caller's await returns only after the trip committed, as with
`Store.run`: what it is told is written is on disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

import sqlite_utils

from bot.store import Store
from bot.store.database import StoreUnavailable, fatal_reason, is_busy

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")
Piece = Callable[[sqlite_utils.Database], Any]
MAX_PIECES = 500  # per trip: bounds how long other features' store work waits behind a burst of posts


class Trips:
    """Coalesces calendar store work into shared trips; `trips` and `pieces` count the work (tests count it)."""

    def __init__(self, store: Store, max_pieces: int = MAX_PIECES) -> None:
        self.store = store
        self.max_pieces = max_pieces
        self.trips = 0  # store round trips taken
        self.pieces = 0  # pieces of work they carried
        self._queue: list[tuple[Piece, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def run(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        """Run `fn(db)` on the store's thread in the next shared trip; its result once that trip committed."""
        return await self.submit(fn)

    def submit(self, fn: Callable[[sqlite_utils.Database], T]) -> asyncio.Future[T]:
        """Queue `fn(db)` for the next shared trip; the future holds its result once that trip committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.append((fn, future))
        if self._flusher is None:
            self._flusher = loop.create_task(self._flush(), name="calendar-store-trips")
        return future

    async def _flush(self) -> None:
        batch: list[tuple[Piece, asyncio.Future[Any]]] = []
        try:
            while self._queue:
                batch, self._queue = self._queue[:self.max_pieces], self._queue[self.max_pieces:]
                self.trips += 1
                self.pieces += len(batch)
                try:
                    outcomes = await self.store.run(partial(_together, pieces=[fn for fn, _ in batch]))
                except Exception as error:  # the whole trip failed (the store is unusable): every caller hears it
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller was cancelled; the work is done all the same
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        except asyncio.CancelledError:  # the loop is closing: nobody waits for an answer that will not come
            for _, future in [*batch, *self._queue]:
                future.cancel()
            self._queue = []
            raise
        finally:
            self._flusher = None


class Gathered(Generic[A, R]):
    """Requests for the same step made in the same turn of the event loop, answered by one piece of work.

    `work(db, requests)` answers a list of requests with a list of answers, in order, with set-based statements
    (a thousand posts due together are read with one `IN` list, not a thousand queries). The piece goes into
    the next shared trip. If it raises, its savepoint is rolled back and each request is tried again on its
    own, so only the request at fault gets the error; a store that cannot be used fails them all at once."""

    def __init__(self, trips: Trips, work: Callable[[sqlite_utils.Database, list[A]], list[R]]) -> None:
        self.trips = trips
        self.work = work
        self._waiting: list[tuple[A, asyncio.Future[R]]] = []
        self._holds = 0

    def hold(self) -> None:
        """Keep the requests asked from now on waiting (until as many `release`s): other store work goes first."""
        self._holds += 1

    def release(self) -> None:
        self._holds -= 1
        if self._holds == 0 and self._waiting:
            self._send()

    async def ask(self, request: A) -> R:
        return await self.submit(request)

    def submit(self, request: A) -> asyncio.Future[R]:
        """Ask without waiting: the future holds the answer once the trip that carried it committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        if not self._waiting:  # the first of this turn: the piece leaves once every task woken with it has asked
            loop.call_soon(self._send)
        self._waiting.append((request, future))
        return future

    def _send(self) -> None:
        if self._holds or not self._waiting:
            return  # held: `release` sends what waits
        batch, self._waiting = self._waiting, []
        self._submit(batch)

    def _submit(self, batch: list[tuple[A, asyncio.Future[R]]]) -> None:
        requests = [request for request, _ in batch]
        answered = self.trips.submit(lambda db: self.work(db, requests))

        def share(done: asyncio.Future[list[R]]) -> None:
            error = None if done.cancelled() else done.exception()
            if isinstance(error, Exception) and not isinstance(error, StoreUnavailable) and len(batch) > 1:
                for one in batch:  # one request's fault (a bug, a refused move) must not fail the others
                    self._submit([one])
                return
            for index, (_, future) in enumerate(batch):
                if future.done():
                    continue
                if done.cancelled():
                    future.cancel()
                elif error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(done.result()[index])

        answered.add_done_callback(share)


def _together(db: sqlite_utils.Database, pieces: Sequence[Piece]) -> list[tuple[bool, Any]]:
    """On the store's thread: every piece in one transaction, each in its own savepoint."""
    outcomes: list[tuple[bool, Any]] = []
    with db.atomic():
        for fn in pieces:
            try:
                with db.atomic():
                    outcomes.append((True, fn(db)))
            except sqlite3.Error as error:
                if is_busy(error) or fatal_reason(error) is not None:
                    raise  # the store's business: roll the whole trip back, then retry it or give up
                outcomes.append((False, error))
            except Exception as error:
                outcomes.append((False, error))
    return outcomes
