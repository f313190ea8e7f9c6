"""Stopping while the flush timer waits on a batch in flight: the batch is written, the stop does not fail."""

from __future__ import annotations

import asyncio
import threading

from bot.features.engagement import feature
from bot.store.migrations import apply_all
from handlers.engagement.log import BatchedWriter


async def test_cancelling_a_flush_in_progress_loses_no_row_and_the_final_flush_succeeds(store):
    apply_all(store.db, [feature.migrations])
    writer = BatchedWriter(store, flush_events=10_000)
    gate = threading.Event()
    held = asyncio.ensure_future(store.run(lambda db: gate.wait()))  # the store's thread is busy: writes queue
    writer.append(("demo", "console", "general", "alice", "message", 1_795_420_800, "m1", None, 0, None))
    waiting = asyncio.ensure_future(writer.flush())  # like the flush timer, waiting on the batch in flight
    await asyncio.sleep(0)  # let it start the batch
    waiting.cancel()  # the timer is cancelled at stop, while it waits
    gate.set()
    await held
    await writer.flush()  # the stop's final flush: no CancelledError, the row is stored
    assert store.db["engagement_events"].count == 1
