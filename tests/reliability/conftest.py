"""Helpers shared by the fault tests: another process holding the database with `BEGIN EXCLUSIVE`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]


class Locker:
    """A separate process holding `BEGIN EXCLUSIVE` on a database until `release()`."""

    def __init__(self, db: Path) -> None:
        command = [sys.executable, "-m", "tests.reliability.locker", str(db)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("release\n")
            self.process.stdin.flush()
        self.process.wait(timeout=PATIENCE)

    def __enter__(self) -> Locker:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.release()
        finally:
            if self.process.poll() is None:
                self.process.kill()
