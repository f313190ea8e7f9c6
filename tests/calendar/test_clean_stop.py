"""A clean stop (SIGTERM) in the middle of a burst of due posts loses none and leaves none `uncertain`.

Many posts fall due together; their jobs run concurrently, so when the stop comes some are sent, one is in the
platform call, and others are claimed (`sending`) but not yet sent. The platform here cannot look a message up
(as the console without a database), so anything left in `sending` would become `uncertain` at the next start
and wait for a CM instead of going out. The stop must finish the call in flight, give back the unsent claims,
and the next start must send every post that did not go out, each exactly once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from bot.actions import Action, ActionResult, Post
from bot.dispatcher import CommunityDirectory
from bot.i18n import Catalogue
from bot.outbox import Outbox
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import (
    Actor,
    PostDraft,
    Target,
    claim_delivery,
    create_post,
    finish_delivery,
    get_post,
    release_delivery,
)
from schedules.calendar.delivery import Publisher
from schedules.calendar.notices import Notices
from tests.calendar.conftest import START, ScriptedPlatform, make_settings

POSTS = 30


class GatedPlatform(ScriptedPlatform):
    """Sends the first `free` scheduled posts at once; holds every later one until `gate` opens."""

    def __init__(self, free: int) -> None:
        super().__init__(lookup=False)
        self.free = free
        self.gate = asyncio.Event()
        self.held = asyncio.Event()  # set when a send is waiting at the gate
        self.in_flight = 0  # sends that reached the platform while the gate was shut

    async def execute(self, action: Action) -> ActionResult:
        if isinstance(action, Post) and action.idempotency_key and len(self.sent) >= self.free:
            if not self.gate.is_set():
                self.in_flight += 1
            self.held.set()
            await self.gate.wait()
        return await super().execute(action)


def publisher_for(store, clock, platform, tmp_path) -> Publisher:
    outbox = Outbox({platform.name: platform})
    settings = make_settings(tmp_path)
    publisher = Publisher(store, clock, outbox, Notices(outbox, Catalogue.shipped()), CommunityDirectory(settings),
                          lambda post_id, due: None)
    publisher.started_at = clock.now()
    return publisher


def due_posts(db, count: int) -> list[int]:
    draft = PostDraft(community="demo", author=Actor("console", "sam"), body="Burst", targets=(
        Target("console", "news"), Target("console", "general")), timezone="Europe/Paris",
        publish_at=START + timedelta(minutes=1), utm=False)
    return [create_post(db, draft, Status.SCHEDULED, START) for _ in range(count)]


def statuses(db) -> Counter[str]:
    return Counter(row[0] for row in db.execute("SELECT status FROM calendar_deliveries").fetchall())


@pytest.mark.parametrize("free", [0, 7, 2 * POSTS - 1])
async def test_a_clean_stop_mid_burst_loses_nothing_and_the_next_start_sends_the_rest(store, clock, tmp_path, free):
    ids = due_posts(store.db, POSTS)
    first = GatedPlatform(free)
    publisher = publisher_for(store, clock, first, tmp_path)
    clock.set(START + timedelta(minutes=1))
    jobs = [asyncio.create_task(publisher.run_post(post_id)) for post_id in ids]
    await first.held.wait()  # `free` sends made, some in the platform call, others claimed or waiting
    stopping = asyncio.create_task(publisher.stop())
    await asyncio.sleep(0)  # the stop has begun: nothing more is sent
    in_flight = first.in_flight
    assert 1 <= in_flight <= 2 * POSTS - free
    first.gate.set()  # the calls in flight are answered
    await stopping
    await asyncio.gather(*jobs)
    assert len(first.scheduled_posts()) == free + in_flight
    assert statuses(store.db) == Counter({"published": free + in_flight})  # nothing left in `sending`

    clock.advance(timedelta(minutes=2))  # the next start, within the grace period
    second = ScriptedPlatform(lookup=False)
    restarted = publisher_for(store, clock, second, tmp_path)
    await restarted.reconcile()
    await restarted.sweep()
    keys = [post.idempotency_key for post in first.scheduled_posts() + second.scheduled_posts()]
    assert len(keys) == 2 * POSTS and len(set(keys)) == 2 * POSTS  # every post on every target, exactly once
    assert statuses(store.db) == Counter({"published": 2 * POSTS})
    assert {get_post(store.db, post_id).status for post_id in ids} == {Status.PUBLISHED}


async def test_a_stop_with_nothing_under_way_returns_at_once(store, clock, tmp_path):
    publisher = publisher_for(store, clock, ScriptedPlatform(), tmp_path)
    await publisher.stop()
    await publisher.run_post(1)  # after the stop, a late wake-up does nothing
    assert statuses(store.db) == Counter()


async def test_a_stop_waits_no_longer_than_its_patience_for_an_unanswered_call(store, clock, tmp_path):
    [post_id] = due_posts(store.db, 1)
    platform = GatedPlatform(free=0)
    publisher = publisher_for(store, clock, platform, tmp_path)
    clock.set(START + timedelta(minutes=1))
    job = asyncio.create_task(publisher.run_post(post_id))
    await platform.held.wait()
    await publisher.stop(patience=0)  # the platform never answers: the row stays `sending` for the next start
    assert statuses(store.db) == Counter({"sending": 1})
    platform.gate.set()
    await job


def test_only_an_unsent_claim_is_given_back(db):
    [post_id] = due_posts(db, 1)
    post = get_post(db, post_id)
    due = START + timedelta(minutes=1)
    unsent = claim_delivery(db, post, due, Target("console", "news"), START, late=False)
    tried = claim_delivery(db, post, due, Target("console", "general"), START, late=False)
    finish_delivery(db, tried.id, "sending", START, attempts=1)  # a call began: it may have gone out
    assert release_delivery(db, unsent.id) is True
    assert release_delivery(db, tried.id) is False
    assert release_delivery(db, unsent.id) is False
    assert statuses(db) == Counter({"sending": 1})
