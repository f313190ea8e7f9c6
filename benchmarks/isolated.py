"""Each benchmark subject in a fresh process of its own.

Played one after the other in one process, a later subject inherits the heap of those before it: the whole
bot's loaded models, its caches and their garbage, which the cyclic collector walks again and again. The
no-feature runtime measured after the whole bot then paid for the whole bot's objects, and its CPU per event
swung by half between passes of one run. A subject started in a process of its own (spawned, not forked, so
nothing of the parent's heap comes along) builds its stream, plays the same warm-up and is measured alone;
the figure it sends back is the CPU time of that process only.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")


class SubjectFailed(RuntimeError):
    """A subject raised in its own process, or the process ended without sending its figures."""


def in_fresh_process(target: Callable[..., T], *args: Any) -> T:
    """`target(*args)` run in a newly spawned process; its return value (which must pickle) comes back.

    `target` must be a module-level function (a spawned process imports it by name). The process is not a
    daemon: a subject may start processes of its own (the Discord fake)."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe(duplex=False)
    child = context.Process(target=_serve, args=(theirs, target, args), name=f"subject-{target.__name__}")
    child.start()
    theirs.close()
    try:
        ok, outcome = ours.recv()
    except EOFError:
        child.join()
        raise SubjectFailed(f"{target.__name__} ended without its figures (exit code {child.exitcode})") from None
    finally:
        ours.close()
    child.join()
    if not ok:
        raise SubjectFailed(f"{target.__name__} failed in its own process:\n{outcome}")
    return outcome


def _serve(conn: Connection, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result: tuple[bool, Any] = (True, target(*args))
    except BaseException:  # the parent reports it, with the child's traceback
        result = (False, traceback.format_exc())
    conn.send(result)
    conn.close()
