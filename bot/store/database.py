"""Opening the SQLite file, and running database work off the event loop, through contention and failures.

Every write happens on one dedicated worker thread (`Store.run`), so the event loop never waits on the disk and
writes never race each other. WAL mode lets readers (the CLI, reports) work beside the running bot, and
`busy_timeout` makes a concurrent writer wait instead of failing.

When another process holds the database longer than `busy_timeout` (a backup, a `BEGIN EXCLUSIVE` in a shell),
the work is rolled back and tried again with backoff, for up to `patience` seconds; callers wait in a bounded
queue meanwhile, so nothing is dropped and memory stays bounded. Past that, or at once when the disk is full,
the file is read-only or damaged, `StoreUnavailable` says why: the app stops on it with exit status 5 rather
than run on without memory. The file and its WAL are private (mode 0600): they hold member ids and moderation
excerpts; the mode is enforced on every open, not only at creation.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from bot.exit_status import ExitStatus
from bot.store.worker import StoreThread

log = logging.getLogger(__name__)
T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000
PATIENCE_SECONDS = 60.0  # how long work waits for another process's lock before the store is called unusable
PATIENCE_ENV = "CMBOT_STORE_PATIENCE_SECONDS"
MAX_PENDING = 1000  # work queued for the store's thread at once; more callers wait their turn
FIRST_BACKOFF = 0.05
MAX_BACKOFF = 2.0
LATER_SECONDS = 1.0  # the longest a write queued with `Store.later` waits for a trip to carry it
MEMORY = ":memory:"
PRIVATE = 0o600

# SQLite's primary result codes (the low byte of `sqlite_errorcode`).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26
_RETRIED = {SQLITE_BUSY, SQLITE_LOCKED}
_FATAL = {
    SQLITE_FULL: "the disk is full",
    SQLITE_READONLY: "the database is read-only",
    SQLITE_IOERR: "the disk reported an input/output error",
    SQLITE_CORRUPT: "the database file is damaged",
    SQLITE_NOTADB: "the file is not a cmbot database",
    SQLITE_CANTOPEN: "the database file cannot be opened",
}


class StoreUnavailable(RuntimeError):
    """The database cannot take work: the app must stop (exit status 5) rather than run on and lose events."""

    exit_status = ExitStatus.STORE_UNUSABLE


def primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(error: BaseException) -> bool:
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = primary_code(error)
    if code is not None:
        return code in _RETRIED
    return "locked" in str(error) or "busy" in str(error)


def fatal_reason(error: BaseException) -> str | None:
    """Why a SQLite error means the store is unusable, or None when it is an ordinary (per-operation) error."""
    if not isinstance(error, sqlite3.Error):
        return None
    code = primary_code(error)
    if code in _FATAL:
        return f"{_FATAL[code]} ({error})"
    if code is None and "disk is full" in str(error):
        return f"the disk is full ({error})"
    return None


def unusable(error: sqlite3.Error, doing: str) -> StoreUnavailable | None:
    """The `StoreUnavailable` a synchronous caller (start-up, the CLI) should raise for `error`, if it is one."""
    reason = fatal_reason(error) or (f"another process keeps it locked ({error})" if is_busy(error) else None)
    return None if reason is None else StoreUnavailable(f"{doing}: {reason}")


def make_private(path: Path) -> None:
    """Mode 0600 for a file cmbot keeps (an existing file too: a copy or an old version may have been looser)."""
    try:
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE:
            os.chmod(path, PRIVATE)
    except FileNotFoundError:
        pass


def _create_private_file(path: Path) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE)
        os.close(fd)
    make_private(path)


def patience_from_environment() -> float:
    """`CMBOT_STORE_PATIENCE_SECONDS`, else `PATIENCE_SECONDS`: how long work waits for another process's lock."""
    raw = os.environ.get(PATIENCE_ENV, "")
    try:
        return max(0.0, float(raw)) if raw else PATIENCE_SECONDS
    except ValueError:
        log.warning("%s=%r is not a number of seconds; using %g", PATIENCE_ENV, raw, PATIENCE_SECONDS)
        return PATIENCE_SECONDS


def open_database(path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite_utils.Database:
    """Open (creating if needed) the database, mode 0600, with WAL, a busy timeout and foreign keys on."""
    if str(path) == MEMORY:
        conn = sqlite3.connect(MEMORY, check_same_thread=False)
    else:
        file = Path(path)
        _create_private_file(file)
        conn = sqlite3.connect(file, check_same_thread=False, timeout=busy_timeout_ms / 1000)
    db = sqlite_utils.Database(conn)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if str(path) != MEMORY:
            db.enable_wal()
            for companion in ("-wal", "-shm"):  # SQLite copies the file's mode; a loosened file passed it on
                make_private(Path(f"{path}{companion}"))
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as error:
        conn.close()
        reason = fatal_reason(error)  # a lock is not fatal here: the caller may wait it out
        if reason is None:
            raise
        raise StoreUnavailable(f"cannot open the database {path}: {reason}") from error
    return db


class Store:
    """The database and the single thread that does its work.

    `run(fn)` executes `fn(db)` on the store's thread and awaits the result; synchronous callers (the CLI,
    tests, migrations at start-up) may use `db` directly when no event loop is running. A failed `fn` leaves
    no open transaction behind: what it began is rolled back before the error reaches the caller.

    `later(fn)` queues a write nobody waits for (a mark, a reference, a roster line): it rides on the next
    trip, before that trip's own work, so whatever is read afterwards sees it, and a trip of its own carries
    it within `LATER_SECONDS` when no other goes; `close()` writes what is left. Every trip crosses threads
    twice: on the hot path, writes that need no answer are not worth a crossing each.
    """

    def __init__(self, db: sqlite_utils.Database, patience: float = PATIENCE_SECONDS,
                 max_pending: int = MAX_PENDING) -> None:  # fmt: skip
        self.db = db
        self.patience = patience
        self.unusable: StoreUnavailable | None = None  # set once; later work fails at once instead of waiting
        self.busy_retries = 0  # how many times work waited for another process's lock (for tests and logs)
        self._worker = StoreThread("cmbot-store")
        self._pending = asyncio.Semaphore(max_pending)
        # Appended on the loop's thread, taken from the front on the store's: a deque does both safely.
        self._later: deque[Callable[[sqlite_utils.Database], object]] = deque()
        self._carrier: asyncio.TimerHandle | None = None
        self._carrying: set[asyncio.Task[None]] = set()

    @classmethod
    def open(cls, path: Path | str, patience: float | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
        chosen = patience_from_environment() if patience is None else patience
        return cls(open_database(path, busy_timeout_ms), patience=chosen)

    async def run(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        loop = asyncio.get_running_loop()
        async with self._pending:
            deadline = loop.time() + (0.0 if self.unusable is not None else self.patience)
            backoff = FIRST_BACKOFF
            warned = False
            while True:
                try:
                    return await self._worker.submit(lambda: self._attempt(fn))
                except sqlite3.Error as error:
                    reason = fatal_reason(error)
                    if reason is not None:
                        raise self._give_up(reason) from error
                    if not is_busy(error):
                        raise
                    if loop.time() + backoff > deadline:
                        raise self._give_up(
                            f"another process kept the database locked for more than {self.patience:g} s ({error})"
                        ) from error
                    self.busy_retries += 1
                    if not warned:
                        log.warning("the database is locked by another process; waiting (up to %g s)", self.patience)
                        warned = True
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)

    def later(self, fn: Callable[[sqlite_utils.Database], object]) -> None:
        """Write `fn(db)` on the next trip (see the class); at once when no event loop runs."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._attempt(fn)
            return
        self._later.append(fn)
        if self._carrier is None:
            self._carrier = loop.call_later(LATER_SECONDS, self._carry)

    @property
    def waiting_later(self) -> int:
        """How many `later` writes no trip has carried yet."""
        return len(self._later)

    def _carry(self) -> None:
        self._carrier = None
        if self._later:
            task = asyncio.get_running_loop().create_task(self._carry_now())
            self._carrying.add(task)
            task.add_done_callback(self._carrying.discard)

    async def _carry_now(self) -> None:
        try:
            await self.run(_nothing)
        except Exception:  # the next trip tries again; a store unusable for good says so to that trip's caller
            log.warning("queued store writes could not be written yet", exc_info=True)

    def _write_later(self) -> None:
        """On the store's thread: the queued `later` writes, oldest first, each in its own transaction. One
        that meets a lock or a fatal error stays at the front and the error goes to the trip (which retries or
        gives up as for its own work); any other error loses that write alone, logged."""
        queued = self._later
        while queued:
            write = queued[0]
            try:
                write(self.db)
            except sqlite3.Error as error:
                self._roll_back()
                if is_busy(error) or fatal_reason(error) is not None:
                    raise
                log.exception("a queued store write failed")
            except Exception:
                self._roll_back()
                log.exception("a queued store write failed")
            queued.popleft()

    def _roll_back(self) -> None:
        if self.db.conn.in_transaction:
            try:
                self.db.conn.rollback()
            except sqlite3.Error:
                log.debug("rollback after a failed store operation failed too", exc_info=True)

    def _attempt(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        try:
            if self._later:
                self._write_later()
            return fn(self.db)
        except BaseException:
            if self.db.conn.in_transaction:
                try:
                    self.db.conn.rollback()
                except sqlite3.Error:  # the connection itself failed: the caller's error says why
                    log.debug("rollback after a failed store operation failed too", exc_info=True)
            raise

    def _give_up(self, reason: str) -> StoreUnavailable:
        error = StoreUnavailable(f"the database cannot be used: {reason}")
        if self.unusable is None:
            self.unusable = error
        return error

    def close(self) -> None:
        if self._carrier is not None:
            self._carrier.cancel()
            self._carrier = None
        self._worker.close()
        if self._later:  # the thread is done: what no trip carried is written here
            try:
                self._write_later()
            except sqlite3.Error:
                log.exception("%d queued store write(s) could not be written at close", len(self._later))
        self.db.conn.close()


def _nothing(db: sqlite_utils.Database) -> None:
    """The work of a trip that only carries queued `later` writes."""
