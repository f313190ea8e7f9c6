"""The store under faults: another process's lock, a lock that never ends, a full disk, a loosened file mode."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from datetime import UTC, datetime

import pytest

from bot import seen_events
from bot.exit_status import ExitStatus
from bot.store import Store
from bot.store.database import StoreUnavailable
from bot.store.migrations import apply_all
from tests.patience import PATIENCE
from tests.reliability.conftest import Locker

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def opened(tmp_path, **options) -> Store:
    store = Store.open(tmp_path / "bot.db", **options)
    apply_all(store.db, [])
    return store


async def until(predicate) -> None:
    """A bounded poll on a condition another thread or process makes true (never a fixed sleep)."""
    async with asyncio.timeout(PATIENCE):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_work_waits_out_a_lock_held_by_another_process_longer_than_busy_timeout(tmp_path):
    store = opened(tmp_path, patience=PATIENCE, busy_timeout_ms=100)
    with Locker(tmp_path / "bot.db") as locker:
        write = asyncio.ensure_future(store.run(lambda db: seen_events.record(db, "console", "e1", AT)))
        await until(lambda: store.busy_retries >= 3)  # three busy timeouts (100 ms each) went by: still waiting
        assert not write.done()
        locker.release()
        assert await write is True
    assert store.db["seen_events"].count == 1
    assert await store.run(lambda db: seen_events.record(db, "console", "e1", AT)) is False  # counted once
    store.close()


async def test_a_lock_longer_than_the_patience_makes_the_store_unavailable_and_later_work_fails_at_once(tmp_path):
    store = opened(tmp_path, patience=0.3, busy_timeout_ms=50)
    with Locker(tmp_path / "bot.db"):
        with pytest.raises(StoreUnavailable, match=r"locked for more than 0\.3 s") as raised:
            await store.run(lambda db: seen_events.record(db, "console", "e1", AT))
        assert raised.value.exit_status == ExitStatus.STORE_UNUSABLE == 5
        retries = store.busy_retries
        with pytest.raises(StoreUnavailable):
            await store.run(lambda db: seen_events.record(db, "console", "e2", AT))
        assert store.busy_retries == retries  # no second round of waiting once the store was given up
    store.close()


async def test_a_full_disk_is_a_clear_error_nothing_half_written_and_the_file_stays_sound(tmp_path):
    store = opened(tmp_path)
    store.db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB)")
    (pages,) = store.db.execute("PRAGMA page_count").fetchone()
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own SQLITE_FULL, as on a full tmpfs

    def three_notes_then_a_big_one(db) -> None:
        with db.atomic():
            for index in range(3):
                db.execute("INSERT INTO notes (body) VALUES (?)", [f"note {index}"])
            db.execute("INSERT INTO notes (body) VALUES (?)", [b"x" * 1_000_000])

    with pytest.raises(StoreUnavailable, match="the disk is full"):
        await store.run(three_notes_then_a_big_one)
    assert not store.db.conn.in_transaction
    assert store.db.execute("SELECT count(*) FROM notes").fetchone() == (0,)  # all or nothing
    store.close()
    with sqlite3.connect(tmp_path / "bot.db") as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_a_failed_operation_leaves_no_transaction_open(tmp_path):
    store = opened(tmp_path)

    def begin_then_fail(db) -> None:
        db.conn.execute("BEGIN")
        db.conn.execute("INSERT INTO seen_events (platform, event_id, seen_at) VALUES ('console', 'x', '2026')")
        raise RuntimeError("a bug in the middle of a write")

    with pytest.raises(RuntimeError):
        await store.run(begin_then_fail)
    assert not store.db.conn.in_transaction  # rolled back: the next operation does not inherit it
    assert await store.run(lambda db: db["seen_events"].count) == 0
    store.close()


def test_the_database_and_its_wal_are_private_on_every_open(tmp_path):
    path = tmp_path / "bot.db"
    store = opened(tmp_path)
    store.db.execute("INSERT INTO seen_events (platform, event_id, seen_at) VALUES ('console', 'x', '2026')")
    store.db.conn.commit()
    store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)  # a restore from a backup, a copy with another umask
    store = Store.open(path)
    for name in ("bot.db", "bot.db-wal", "bot.db-shm"):
        file = tmp_path / name
        assert not file.exists() or stat.S_IMODE(file.stat().st_mode) == 0o600, name
    store.close()
