"""Opening the SQLite file, and running database work off the event loop.

Every write happens on one dedicated worker thread (`Store.run`), so the event loop never waits on the disk and
writes never race each other. WAL mode lets readers (the CLI, reports) work beside the running bot, and
`busy_timeout` makes a concurrent writer wait instead of failing. The file is created with mode 0600: it holds
member ids and moderation excerpts.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import sqlite_utils

T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"


def _create_private_file(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed, mode 0600) the database with WAL, a busy timeout and foreign keys on."""
    if str(path) == MEMORY:
        conn = sqlite3.connect(MEMORY, check_same_thread=False)
    else:
        file = Path(path)
        _create_private_file(file)
        conn = sqlite3.connect(file, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if str(path) != MEMORY:
        db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    return db


class Store:
    """The database and the single thread that does its work.

    `run(fn)` executes `fn(db)` on the store's thread and awaits the result; synchronous callers (the CLI,
    tests, migrations at start-up) may use `db` directly when no event loop is running.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cmbot-store")

    @classmethod
    def open(cls, path: Path | str) -> Store:
        return cls(open_database(path))

    async def run(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, fn, self.db)

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        self.db.conn.close()
