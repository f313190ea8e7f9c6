"""Flood and cross-post keep a bounded memory of recent messages: compared with a plain reference on generated
streams, with a memory small enough that members are forgotten and come back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.moderation.rules import activity
from handlers.moderation.rules.activity import CrossPost, Flood
from handlers.moderation.rules.base import MessageFacts

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_POST = st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(0, 4), st.sampled_from(["hello there", "buy now!"]))


class _Remembered:
    """A memory of at most `size` keys as a plain list, the least recently seen first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.keys: list[object] = []
        self.values: dict[object, object] = {}

    def touch(self, key: object, new: object) -> object:
        if key in self.values:
            self.keys.remove(key)
        else:
            self.values[key] = new
        self.keys.append(key)
        while len(self.keys) > self.size:
            del self.values[self.keys.pop(0)]
        return self.values[key]


def _naive_flood(posts, max_messages: int, window: timedelta, size: int) -> list[bool]:
    memory, hits, at = _Remembered(size), [], START
    for member, _channel, gap, _text in posts:
        at += timedelta(seconds=gap)
        times = memory.touch(("space", f"m{member}"), [])
        times.append(at)
        while times and at - times[0] > window:
            times.pop(0)
        hits.append(len(times) >= max_messages)
        if hits[-1]:
            times.clear()
    return hits


def _naive_crosspost(posts, channels: int, window: timedelta, size: int) -> list[bool]:
    memory, hits, at = _Remembered(size), [], START
    for member, channel, gap, text in posts:
        at += timedelta(seconds=gap)
        where = memory.touch(("space", f"m{member}", text), {})
        where[f"c{channel}"] = at
        for name, seen in list(where.items()):
            if at - seen > window:
                del where[name]
        hits.append(len(where) >= channels)
        if hits[-1]:
            where.clear()
    return hits


def _messages(posts):
    at = START
    for member, channel, gap, text in posts:
        at += timedelta(seconds=gap)
        yield MessageFacts(text, member_id=f"m{member}", channel_id=f"c{channel}", space_id="space", at=at)


@settings(max_examples=200)
@given(st.lists(_POST, max_size=60))
def test_flood_and_cross_post_answer_as_a_plain_reference_with_a_small_memory(posts):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(activity, "MAX_TRACKED", 3)
        flood, crosspost = Flood(3, 5), CrossPost(2, 6, 5)
        flooded = [flood.check(m) is not None for m in _messages(posts)]
        crossposted = [crosspost.check(m) is not None for m in _messages(posts)]
    assert flooded == _naive_flood(posts, 3, timedelta(seconds=5), 3)
    assert crossposted == _naive_crosspost(posts, 2, timedelta(seconds=6), 3)
    assert len(flood._recent) <= 3 and len(crosspost._seen) <= 3
