"""Hold SQLite databases with `BEGIN EXCLUSIVE` from another process: the contention the store must survive.

Usage: python -m tests.reliability.locker [--at-least SECONDS] DB [DB ...]. Prints "locked" once it holds every
lock, holds them until a line arrives on stdin, and prints "released" once it let go. With `--at-least`, a
release asked for earlier waits until the locks have been held that long: the fault being simulated (a backup,
a shell session left open) lasts that long, and the test that asks for the release never sleeps itself.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time


def main(paths: list[str], at_least: float) -> None:
    connections = [sqlite3.connect(path, isolation_level=None, timeout=60) for path in paths]
    for connection in connections:
        connection.execute("BEGIN EXCLUSIVE")
    locked_at = time.monotonic()
    print("locked", flush=True)
    sys.stdin.readline()
    remaining = at_least - (time.monotonic() - locked_at)
    if remaining > 0:
        time.sleep(remaining)
    for connection in connections:
        connection.execute("COMMIT")
        connection.close()
    print(f"released after {time.monotonic() - locked_at:.1f} s", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.locker")
    parser.add_argument("--at-least", type=float, default=0.0)
    parser.add_argument("paths", nargs="+")
    arguments = parser.parse_args()
    main(arguments.paths, arguments.at_least)
