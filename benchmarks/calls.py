"""Function calls per event: the pipeline's work counted, a figure the machine's load does not move.

The CPU figures of a shared machine move with the neighbours; the number of calls a subject makes for the
same stream does not. Each subject plays a shorter stream once more, in a fresh process of its own, with
Python's deterministic profiler (`cProfile`) switched on after the same warm-up as the timed passes: every call
of a Python or C function is counted, and each resumption of a coroutine counts as a call (an event that waits
for the store is resumed once more). The profiler follows the thread that starts it, the event loop's: the
store's thread (the SQLite writes) is not in the count, only in the CPU figures. The profiler slows the pass
down, so these passes give counts, never times.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
from pathlib import Path

CALLS_EVENTS = 3_000  # measured events of a counted pass (after the usual warm-up)


class CallCount:
    """Counts the calls made between `start` and `stop`."""

    def __init__(self) -> None:
        self._profile = cProfile.Profile()
        self.calls = 0

    def start(self) -> None:
        self._profile.enable()

    def stop(self) -> int:
        self._profile.disable()
        stats = pstats.Stats(self._profile).stats  # type: ignore[attr-defined]
        self.calls = sum(entry[1] for entry in stats.values())  # (primitive calls, all calls, ...) per function
        return self.calls


def console_calls(label: str, count: int, data_dir: str, folder: str, subject: str) -> float:
    """Calls per event of a console subject over `count` events of a stream (see `pipeline.console_pass`);
    meant to run in a fresh process."""
    from benchmarks.pipeline import WARMUP_EVENTS, play_console, stream_of, subject_features
    from benchmarks.stream import real_texts, synthetic_texts

    texts = synthetic_texts() if label == "synthetic" else real_texts(Path(data_dir))
    if texts is None:
        raise FileNotFoundError(f"no Davidson set under {data_dir}/moderation")
    counter = CallCount()
    toggles = iter((counter.start, counter.stop))  # `on_lap` is called where the measure starts and at its end
    run = asyncio.run(play_console(stream_of(count + WARMUP_EVENTS, texts), Path(folder), subject_features(subject),
                                   WARMUP_EVENTS, laps=frozenset({WARMUP_EVENTS}), on_lap=lambda: next(toggles)()))
    return counter.calls / run.events
