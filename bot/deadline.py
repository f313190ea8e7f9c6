"""One deadline for everything an action may cost: the platform library's own retries and its `Retry-After`
waits included.

Whoever knows how long a piece of work may take (a scheduled post: until the end of its grace period) opens
`within(seconds)`; every platform call made inside, however deep, is cut at that instant by `timeout()`. A
`Retry-After` longer than what is left is therefore never waited out: the call gives up at the deadline and
says so, and the caller reports the failure once instead of retrying past it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("cmbot_deadline", default=None)  # in the event loop's time


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Work inside ends within `seconds` (or sooner, when an outer deadline is nearer)."""
    at = asyncio.get_running_loop().time() + max(0.0, seconds)
    outer = _deadline.get()
    token = _deadline.set(at if outer is None else min(at, outer))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline; None when there is none."""
    at = _deadline.get()
    return None if at is None else max(0.0, at - asyncio.get_running_loop().time())


def timeout() -> asyncio.Timeout:
    """`async with deadline.timeout():` cuts the block at the current deadline (no limit when there is none)."""
    return asyncio.timeout_at(_deadline.get())
