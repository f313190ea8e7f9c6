"""Where a flagged message's CPU goes, thread by thread: the flag part's diagnosis beside its ratio.

The process's CPU time (the flag part's figure) adds up every thread and the kernel's work for them. A flag
crosses to the store's thread and back, and its transaction writes the write-ahead log, so the flagged blocks
spend where the clean ones do not: on the store's thread, in the kernel (the log's writes, the wake-ups of
the two threads), and in switches between threads. Each block is read here by its own clocks, noted at the
same instants as the CPU figure (`play_console`'s laps): the event loop's thread by its own CPU clock, the
store's thread by its own (`pthread_getcpuclockid`), the kernel's share from the process's resource usage,
and the context switches the kernel counted (voluntary: a thread that waited; involuntary: one that was
preempted). Each is read with the same two unknowns as the CPU figure (`pipeline._pair`): a clean message's
share, and a flagged message's.
"""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

STORE_THREAD = "cmbot-store"  # the name `Store` gives its thread


@dataclass(frozen=True)
class Clocks:
    """One instant's readings, in seconds (switches in counts)."""

    loop: float
    store: float
    kernel: float
    switches: int
    preempted: int


def _store_clock() -> float:
    for thread in threading.enumerate():
        if thread.name == STORE_THREAD and thread.ident is not None and thread.is_alive():
            return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
    return 0.0  # not started yet: it has spent nothing


@dataclass
class ThreadClocks:
    """Notes each thread's clock when called (pass `note` as `play_console`'s `on_lap`, from the loop's thread)."""

    noted: list[Clocks] = field(default_factory=list)

    def note(self) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.noted.append(Clocks(time.thread_time(), _store_clock(), usage.ru_stime, usage.ru_nvcsw,
                                 usage.ru_nivcsw))

    def blocks(self, reading: Callable[[Clocks], float]) -> list[float]:
        """Each block's amount of `reading` (between two consecutive notes)."""
        return [reading(end) - reading(begin) for begin, end in pairwise(self.noted)]


Pair = Callable[[tuple[float, int], tuple[float, int], int, float], tuple[float, float]]


def per_message(clocks: ThreadClocks, order: tuple[str, ...], flags: list[int], size: int, pair: Pair,
                reading: Callable[[Clocks], float], scale: float) -> tuple[float, float]:
    """(clean sentence, flagged message) amounts of `reading` per message, median of the rounds, each round read
    as the CPU figure is (a sentence block and its round's offensive block: two blocks, two unknowns)."""
    amounts = clocks.blocks(reading)
    rounds = len(order) // 3
    clean, flagged = [], []
    for turn in range(rounds):
        kinds = {order[i]: (amounts[i], flags[i]) for i in range(turn * 3, turn * 3 + 3)}
        calm, hit = pair(kinds["clean"], kinds["flagged"], size, scale)
        clean.append(calm)
        flagged.append(hit)
    return median(clean), median(flagged)
