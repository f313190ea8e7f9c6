"""Flags raised together are written together: one transaction, one commit, for every flag waiting its turn.

A raid or a spam wave brings many flags within milliseconds, each handled in its own task on Discord and Slack.
Written one by one, each would cost a store trip and a commit (a write to the disk) of its own. Here a flag
joins the flags already waiting for the store; the first of them asks for a trip, and the trip takes, when the
store's thread starts it, every flag waiting by then: all of them, and the card references learnt since the last
trip, land in one transaction. Each caller still gets its own stored rows back only once that transaction is
committed, so a card is never posted for a flag that is not in the store. A flag alone is one trip, as before.
The callers are the queue's later steps (`Queue.raise_later`), not the messages' own way: a flagged message
does not wait for any of this. The watcher's flags join the waiting list at once, on the message's own turn
(`add`), so every flag decided in one turn of the loop is waiting before the first later step starts: that step
makes the trip at once, without the turn a caller of `raise_flag` lets go by for the flags of the tasks already
running. A flag added whose later step never runs (cancelled before it started) goes with the next trip, or
with `drain` at a flush or the stop.

If the transaction fails, every flag of the batch gets the error (none of them was written: the store rolled the
transaction back) and the card references go back to wait for the next trip.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import sqlite_utils

from bot.store import Store
from handlers.moderation import flags as store_flags
from handlers.moderation.flags import CardRef, FlagDraft, Raised

CardsTaken = Callable[[], tuple[CardRef, ...]]  # the card references to write with the next trip (taken once)
CardsBack = Callable[[tuple[CardRef, ...]], None]  # given back when the trip failed


class FlagWrites:
    """The flags waiting for the store, and the one trip at a time that writes them.

    The caller whose flag finds no trip under way leads: it lets the tasks already running add their flags
    (one turn of the loop), then makes trips until no flag is waiting; the others wait for their own rows. No
    task of its own, no thread of its own: a flag alone costs what a plain store trip costs. `take_cards` gives
    the card references to write with the next trip (and forgets them); `give_back` takes them back when the
    trip failed."""

    def __init__(self, store: Store, take_cards: CardsTaken, give_back: CardsBack) -> None:
        self.store = store
        self.take_cards = take_cards
        self.give_back = give_back
        self.trips = 0  # store trips made for flags (a batch is one), for the tests that count work
        self._waiting: list[tuple[FlagDraft, asyncio.Future[Raised]]] = []
        self._lock = threading.Lock()  # the loop adds, the store's thread takes
        self._leading = False  # a caller is making trips: a flag added now goes with its next one
        self._relay: set[asyncio.Task[None]] = set()

    async def raise_flag(self, draft: FlagDraft) -> Raised:
        """Write `draft` with the next trip; its stored rows, once committed."""
        written = self.add(draft)
        if not self._leading:
            await self._lead(gather=True)
        return await written

    def add(self, draft: FlagDraft) -> asyncio.Future[Raised]:
        """Put `draft` on the waiting list now (no trip is asked for yet: see `written`); the future gets its
        stored rows once committed."""
        written: asyncio.Future[Raised] = asyncio.get_running_loop().create_future()
        with self._lock:
            self._waiting.append((draft, written))
        return written

    async def written(self, written: asyncio.Future[Raised]) -> Raised:
        """The rows of a flag put on the list by `add`: the trip is made at once (the flags decided in the same
        turn are already waiting), unless one is under way, which takes it or leaves it for its next."""
        if not written.done() and not self._leading:
            await self._lead(gather=False)
        return await written

    async def drain(self) -> None:
        """Write every flag still waiting (at a flush or the stop), whoever asked for it."""
        if self._anyone_waiting() and not self._leading:
            await self._lead(gather=False)

    async def _lead(self, gather: bool) -> None:
        self._leading = True
        try:
            if gather:
                await asyncio.sleep(0)  # the flags of the tasks already running join this trip
            while self._anyone_waiting():
                await self._write()
        finally:
            self._leading = False
            if self._anyone_waiting():  # the leader was cancelled with flags still waiting: a task takes over
                task = asyncio.ensure_future(self._lead(gather=False))
                self._relay.add(task)
                task.add_done_callback(self._relay.discard)

    def _anyone_waiting(self) -> bool:
        """No lock needed to look: the store's thread takes the waiting flags by replacing the list in one
        assignment, under the lock, so the loop sees the old list or the new one, never a half-made one."""
        return bool(self._waiting)

    async def _write(self) -> None:
        """One trip for every flag waiting when the store's thread starts it; each gets its rows or the error."""
        batch: list[tuple[FlagDraft, asyncio.Future[Raised]]] | None = None
        cards = self.take_cards()

        def write(db: sqlite_utils.Database) -> list[Raised]:
            nonlocal batch
            if batch is None:  # taken once: a retry after a busy database writes the same flags again
                with self._lock:
                    batch, self._waiting = self._waiting, []
            return store_flags.raise_flags(db, [draft for draft, _ in batch], cards)

        self.trips += 1
        try:
            raised = await self.store.run(write)
        except BaseException as error:
            self.give_back(cards)
            if batch is None:  # the trip failed before it took anything: the waiting flags fail with it
                with self._lock:
                    batch, self._waiting = self._waiting, []
            for _, future in batch:
                _fail(future, error)
            if not isinstance(error, Exception):
                raise  # cancelled: the leader stops (a task takes over what is still waiting)
            return
        for (_, future), rows in zip(batch or (), raised, strict=True):
            if not future.done():  # a caller that stopped waiting: its flag is written all the same
                future.set_result(rows)


def _fail(future: asyncio.Future[Raised], error: BaseException) -> None:
    if future.done():
        return
    if isinstance(error, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(error)
