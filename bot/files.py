"""Files cmbot writes that hold members' data or what was learnt from it: created private (0600) by the call
that writes them, whatever the process umask.

`cmbot` sets a 077 umask at start, but a file can also be written by code run another way (the training module,
a test, an embedding application), and a file that already exists keeps its mode when it is rewritten: opening
through `open_private` covers both (the mode is set on the open descriptor, before a byte is written).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

PRIVATE = 0o600


def open_private(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> IO[Any]:
    """Open `path` for writing (truncated; `mode` "w" or "wb"), mode 0600 before anything is written."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_private writes files: mode 'w' or 'wb', not {mode!r}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)  # a file that existed kept its mode through O_CREAT
        return os.fdopen(fd, mode, encoding=None if mode == "wb" else encoding)
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path, text: str) -> None:
    with open_private(path) as handle:
        handle.write(text)
