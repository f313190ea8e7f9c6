"""Hold a SQLite database with `BEGIN EXCLUSIVE` from another process: the contention the store must survive.

Usage: python -m tests.reliability.locker DB [SECONDS]. Prints "locked" once it holds the lock, then holds it
for SECONDS, or until a line arrives on stdin when no SECONDS are given, and prints "released". The sleep is
the fault being simulated (a backup, a shell session left open), not a wait in a test.
"""

from __future__ import annotations

import sqlite3
import sys
import time


def main(path: str, seconds: float | None) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    if seconds is None:
        sys.stdin.readline()
    else:
        time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()
    print("released", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else None)
