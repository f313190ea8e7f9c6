"""Posts read and rendered ahead of their due instant: at the instant only the claim and the sends are left,
and whatever changed in between (an edit, new targets, a cancellation, a new time) wins over what was read.

Work is counted, never timed: store round trips, posts read from rows, messages rendered.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from handlers.calendar import bulk, posts
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, Target, get_post
from schedules.calendar import delivery, instant, sending
from tests.calendar.conftest import START, ScriptedPlatform, start_bot
from tests.calendar.test_trips import DUE, CountedStore, due_posts, ledger_counts, publisher_for

SAM = Actor("console", "sam")


@pytest.fixture
def counted_work(monkeypatch):
    """How many posts are read from their rows, and how many messages rendered, from now on."""
    work: Counter[str] = Counter()
    get_posts, render = bulk.get_posts, instant.outgoing_content

    def counting_get_posts(db, post_ids):
        ids = list(post_ids)
        work["posts read"] += len(ids)
        return get_posts(db, ids)

    def counting_render(*args, **kwargs):
        work["rendered"] += 1
        return render(*args, **kwargs)

    monkeypatch.setattr(bulk, "get_posts", counting_get_posts)
    monkeypatch.setattr(instant, "outgoing_content", counting_render)  # ahead of the instant
    monkeypatch.setattr(sending, "outgoing_content", counting_render)  # at the send, when not rendered ahead
    return work


async def test_at_the_due_instant_posts_read_ahead_cost_the_claim_and_the_record_only(store, clock, tmp_path,
                                                                                      counted_work):
    ids = due_posts(store.db, 600)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    counted = CountedStore(store)
    clock.set(DUE - timedelta(seconds=2))
    assert await publisher.read_ahead(ids, DUE) == 600
    assert counted.trips == 1 and counted_work == Counter({"posts read": 600, "rendered": 600})
    counted_work.clear()
    clock.set(DUE)
    await publisher.run_posts(ids)
    claims = len(chunk_sizes(600))
    assert claims == 7  # 8, 16, 32, 64, 128, 256, then the 96 left
    assert counted.trips == 1 + claims + 1  # the claims by ids, chunk by chunk; then the records with the advance
    assert counted_work == Counter()  # no post read from its row again, no message rendered again
    keys = [post.idempotency_key for post in platform.scheduled_posts()]
    assert len(keys) == 600 and len(set(keys)) == 600
    assert ledger_counts(store.db) == Counter({"published": 600})
    assert {get_post(store.db, post_id).status for post_id in ids} == {Status.PUBLISHED}
    history = store.db.execute("SELECT action, COUNT(*) FROM calendar_history WHERE action IN ('send', 'done')"
                               " GROUP BY action").fetchall()
    assert sorted(history) == [("done", 600), ("send", 600)]  # every move written to the history, as before


def chunk_sizes(posts: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < posts:
        sizes.append(min(instant.CLAIM_CHUNKS[min(len(sizes), len(instant.CLAIM_CHUNKS) - 1)], posts - sum(sizes)))
    return sizes


class TripsAtEachSend(ScriptedPlatform):
    """Notes, at each scheduled post it receives, how many store trips the publisher had taken by then."""

    def __init__(self) -> None:
        super().__init__()
        self.publisher: delivery.Publisher | None = None
        self.trips_then: list[int] = []

    async def execute(self, action):
        if getattr(action, "idempotency_key", None) and self.publisher is not None:
            self.trips_then.append(self.publisher.trips.trips)
        return await super().execute(action)


async def test_an_instant_s_posts_are_claimed_in_growing_chunks_each_sent_while_the_next_is_claimed(store, clock,
                                                                                                     tmp_path):
    ids = due_posts(store.db, 300)
    platform = TripsAtEachSend()
    publisher = publisher_for(store, clock, platform, tmp_path)
    platform.publisher = publisher
    clock.set(DUE - timedelta(seconds=2))
    await publisher.read_ahead(ids, DUE)
    clock.set(DUE)
    await publisher.run_posts(ids)
    sizes = chunk_sizes(300)
    assert sizes == [8, 16, 32, 64, 128, 52]
    # a post of chunk i goes out once its chunk's claim is in (the read ahead, then claims 0..i), and before the
    # claim of chunk i + 2 starts: the store claims the next chunk while this one is sent
    for then, index in zip(platform.trips_then, _chunk_of(sizes), strict=True):
        assert 1 + index + 1 <= then <= 1 + index + 2
    assert platform.trips_then[-1] == 1 + len(sizes)  # the outcomes are written after the last send
    assert publisher.trips.trips == 1 + len(sizes) + 1  # and every outcome written in one trip, after the claims
    assert ledger_counts(store.db) == Counter({"published": 300})


def _chunk_of(sizes: list[int]) -> list[int]:
    return [index for index, size in enumerate(sizes) for _ in range(size)]


async def _read_then(store, clock, tmp_path, change):
    """Three posts due together, read ahead; `change(db, post_id)` touches the second one; then the instant."""
    ids = due_posts(store.db, 3, targets=1)
    platform = ScriptedPlatform()
    publisher = publisher_for(store, clock, platform, tmp_path)
    clock.set(DUE - timedelta(seconds=2))
    await publisher.read_ahead(ids, DUE)
    change(store.db, ids[1])
    clock.set(DUE)
    await publisher.run_posts(ids)
    return ids, platform


async def test_an_edit_made_after_the_read_ahead_is_what_goes_out(store, clock, tmp_path, counted_work):
    _, platform = await _read_then(store, clock, tmp_path, lambda db, post_id: posts.update_content(
        db, post_id, {"body": "Edited after the read"}, None))
    texts = [post.content.text.plain() for post in platform.scheduled_posts()]
    assert "Edited after the read" in texts and "Post 1" not in texts and len(texts) == 3
    assert counted_work["posts read"] == 3 + 1  # the three read ahead; the edited one read again at the claim


async def test_new_targets_set_after_the_read_ahead_are_where_it_goes(store, clock, tmp_path):
    _, platform = await _read_then(store, clock, tmp_path, lambda db, post_id: posts.update_content(
        db, post_id, {}, (Target("console", "elsewhere"),)))
    assert sorted(post.channel_id for post in platform.scheduled_posts()) == ["c0", "c0", "elsewhere"]


async def test_a_post_cancelled_after_the_read_ahead_is_not_sent(store, clock, tmp_path):
    ids, platform = await _read_then(store, clock, tmp_path, lambda db, post_id: posts.transition(
        db, post_id, Status.CANCELLED, SAM, START, action="cancel", next_due_at=None))
    assert [post.content.text.plain() for post in platform.scheduled_posts()] == ["Post 0", "Post 2"]
    assert get_post(store.db, ids[1]).status is Status.CANCELLED
    assert ledger_counts(store.db) == Counter({"published": 2})


async def test_a_post_moved_later_after_the_read_ahead_waits_for_its_new_time(store, clock, tmp_path):
    later = DUE + timedelta(hours=2)
    ids, platform = await _read_then(store, clock, tmp_path, lambda db, post_id: posts.transition(
        db, post_id, Status.SCHEDULED, SAM, START, action="reschedule", publish_at=later, next_due_at=later))
    assert [post.content.text.plain() for post in platform.scheduled_posts()] == ["Post 0", "Post 2"]
    assert get_post(store.db, ids[1]).next_due_at == later and get_post(store.db, ids[1]).status is Status.SCHEDULED


async def test_a_post_already_claimed_elsewhere_after_the_read_ahead_is_never_sent_twice(store, clock, tmp_path):
    """Another delivery (a CM's "post now", the catch-up) started the post between the read and the claim."""
    platform = ScriptedPlatform()
    ids = due_posts(store.db, 2)
    publisher = publisher_for(store, clock, platform, tmp_path)
    clock.set(DUE - timedelta(seconds=2))
    await publisher.read_ahead(ids, DUE)
    clock.set(DUE)
    other = publisher_for(store, clock, platform, tmp_path)
    await other.run_posts(ids)
    await publisher.run_posts(ids)
    assert len(platform.scheduled_posts()) == 2
    assert ledger_counts(store.db) == Counter({"published": 2})


async def test_through_the_whole_bot_an_edit_between_the_read_ahead_and_the_instant_wins(tmp_path, clock,
                                                                                         monkeypatch):
    ahead: Counter[object] = Counter()
    original = delivery.Publisher.read_ahead

    async def counting(self, post_ids, at):
        ahead[at] += len(await self.trips.run(lambda db: list(post_ids)))
        return await original(self, post_ids, at)

    monkeypatch.setattr(delivery.Publisher, "read_ahead", counting)
    platform = ScriptedPlatform()
    bot = await start_bot(tmp_path, clock, platform)
    await bot.cmd("sam", '/post draft body="Spring sale" to=#news at="2026-03-02 10:00"')
    due = START + timedelta(hours=1)
    await bot.wakeups.advance_to(due - timedelta(seconds=1))
    assert ahead == Counter({due: 1})  # read and rendered ahead, nothing sent yet
    assert platform.scheduled_posts() == []
    await bot.cmd("sam", '/post edit 1 body="Spring sale, now 20% off"')
    await bot.wakeups.advance_to(due + timedelta(minutes=1))
    assert [post.content.text.plain() for post in platform.scheduled_posts()] == ["Spring sale, now 20% off"]
    await bot.app.stop()
