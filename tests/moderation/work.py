"""Counting work instead of timing it: the number of function calls (Python and C) a piece of code makes.

A count does not depend on the machine's load, so a linearity test built on it never flakes. Each C call
(a regex scan, a set intersection) counts once whatever its input: the regular expressions used are linear by
construction (no nested repetition, bounded gaps), which is what lets one call stand for linear work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def calls(action: Callable[[], object]) -> int:
    counted = 0

    def profile(_frame, event: str, _arg) -> None:
        nonlocal counted
        if event in ("call", "c_call"):
            counted += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(previous)
    return counted
