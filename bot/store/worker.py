"""The store's own thread: runs each piece of database work in turn and hands its result back to the loop.

Every store trip crosses threads twice, and the bot makes one for each flag, feedback, join and clock sweep, so
the crossing itself is kept to the minimum: one queue put to wake the thread, one `call_soon_threadsafe` to
wake the loop. `loop.run_in_executor` on a `ThreadPoolExecutor` did the same with a concurrent future chained
to an asyncio one, a work item and the pool's bookkeeping on every call, about twice the CPU per trip.

As with an executor, work whose caller stopped waiting (the awaiting task was cancelled) before it started is
skipped, and work that started runs to its end. `close()` lets the queued work finish, then ends the thread; a
process that exits without closing its store still lets the running work finish (an exit hook does the close).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_STOP = None
_EXIT_WAIT_SECONDS = 30.0  # at interpreter exit, how long the running work may take to finish
_live: weakref.WeakSet[StoreThread] = weakref.WeakSet()


class StoreThread:
    """One thread, started on first use, that runs `work()` calls in the order they were submitted."""

    def __init__(self, name: str = "cmbot-store") -> None:
        self.name = name
        self._queue: queue.SimpleQueue[tuple[Callable[[], Any], asyncio.Future[Any], asyncio.AbstractEventLoop]
                                       | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._lock = threading.Lock()

    def submit(self, work: Callable[[], T]) -> asyncio.Future[T]:
        """Run `work()` on the thread; the future (of the running loop) gets its result or its exception."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the store is closed: no more work can be queued")
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
                self._thread.start()
                _live.add(self)
        self._queue.put((work, future, loop))
        return future

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            work, future, loop = item
            if future.cancelled():  # nobody waits for it any more and it has not started: skipped
                continue
            try:
                result = work()
            except BaseException as error:  # handed to the caller, whatever it is
                _hand_back(loop, future, False, error)
            else:
                _hand_back(loop, future, True, result)

    def close(self, timeout: float | None = None) -> None:
        """Let the queued work finish, then end the thread (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            if thread is not threading.current_thread():
                thread.join(timeout)


def _hand_back(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], ok: bool, outcome: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the loop is closed: its caller is gone, nobody can be told
        loop.call_soon_threadsafe(_settle, future, ok, outcome)


def _settle(future: asyncio.Future[Any], ok: bool, outcome: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(outcome)
    else:
        future.set_exception(outcome)


@atexit.register
def _close_at_exit() -> None:
    """A process that never closed its store: the work already queued finishes before the interpreter goes."""
    for worker in list(_live):
        worker.close(timeout=_EXIT_WAIT_SECONDS)
