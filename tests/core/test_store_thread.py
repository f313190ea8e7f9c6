"""The store's thread: work runs there in order, results and errors come back to the loop that asked, work
nobody waits for any more is skipped, and closing lets the queued work finish."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from bot.store import Store
from bot.store.worker import StoreThread


async def test_work_runs_in_order_on_one_thread_and_results_come_back():
    worker = StoreThread()
    threads: list[int] = []

    def work(n: int):
        threads.append(threading.get_ident())
        return n * 2

    results = await asyncio.gather(*(worker.submit(lambda n=n: work(n)) for n in range(50)))
    worker.close()
    assert results == [n * 2 for n in range(50)]
    assert len(set(threads)) == 1 and threads[0] != threading.get_ident()


async def test_an_error_reaches_the_caller_and_the_thread_goes_on():
    worker = StoreThread()

    def fail():
        raise ValueError("no such row")

    with pytest.raises(ValueError, match="no such row"):
        await worker.submit(fail)
    assert await worker.submit(lambda: "still here") == "still here"
    worker.close()


async def test_work_whose_caller_stopped_waiting_before_it_started_is_skipped():
    worker = StoreThread()
    gate, ran = threading.Event(), []
    first = worker.submit(gate.wait)  # holds the thread
    second = worker.submit(lambda: ran.append("second"))
    second.cancel()
    third = worker.submit(lambda: ran.append("third"))
    gate.set()
    await first
    await third
    worker.close()
    assert ran == ["third"]


async def test_close_lets_the_queued_work_finish_then_refuses_more():
    worker = StoreThread()
    gate, done = threading.Event(), []
    worker.submit(gate.wait)
    pending = [worker.submit(lambda n=n: done.append(n)) for n in range(5)]
    gate.set()
    await asyncio.to_thread(worker.close)
    assert done == list(range(5))  # finished before close returned
    await asyncio.gather(*pending)  # and their callers are told
    with pytest.raises(RuntimeError, match="closed"):
        worker.submit(lambda: None)
    worker.close()  # twice is fine


async def test_the_store_rolls_back_what_failed_work_began(tmp_path):
    store = Store.open(tmp_path / "x.db")
    store.db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")

    def half_done(db):
        db.conn.execute("INSERT INTO t VALUES (1)")
        raise sqlite3.IntegrityError("later statement failed")

    with pytest.raises(sqlite3.IntegrityError):
        await store.run(half_done)
    assert await store.run(lambda db: db.execute("SELECT count(*) FROM t").fetchone()[0]) == 0
    assert not store.db.conn.in_transaction
    store.close()
    store.close()
