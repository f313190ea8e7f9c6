"""`Later` steps: what a handler can only carry out once slower work is done does not hold the event's way.

The event's later handlers run first; the steps are carried out on the event's platform when known; `settle`
waits for all of them; a failure is logged like a handler's, and a store that cannot take work stops the app.
"""

from __future__ import annotations

import asyncio
import logging

from bot.actions import Content, Post
from bot.handling import STOP, Later, Then
from bot.store.database import StoreUnavailable
from bot.text import Text
from tests.core.test_dispatcher import build, message


def post(text: str) -> Post:
    return Post(channel_id="general", content=Content(text=Text.of(text)))


async def test_later_steps_come_after_the_events_way_and_settle_waits_for_them(settings, t0):
    dispatcher, platform = build(settings)
    ready: asyncio.Future[list] = asyncio.get_running_loop().create_future()
    seen: list[str] = []

    async def slow(event, community):
        seen.append("slow")
        return [Later(ready), post("now")]

    async def after(event, community):
        seen.append("after")
        return []

    dispatcher.subscribe(type(message(t0)), slow)
    dispatcher.subscribe(type(message(t0)), after)
    results = await dispatcher.dispatch(message(t0))
    assert seen == ["slow", "after"] and len(results) == 1
    assert [a.content.text.plain() for a in platform.actions] == ["now"] and dispatcher.pending_later == 1

    async def remembered(result):
        return [post(f"answered {result.message_id}")]

    ready.set_result([post("later"), Then(post("then"), remembered), STOP])
    await dispatcher.settle()
    assert [a.content.text.plain() for a in platform.actions] == ["now", "later", "then", "answered r3"]
    assert dispatcher.pending_later == 0


async def test_a_later_step_that_fails_is_logged_and_the_others_go_on(settings, t0, caplog):
    dispatcher, platform = build(settings)

    async def broken() -> list:
        raise ValueError("boom")

    async def fine() -> list:
        return [post("fine")]

    async def handler(event, community):
        return [Later(broken()), Later(fine())]

    dispatcher.subscribe(type(message(t0)), handler)
    with caplog.at_level(logging.ERROR):
        await dispatcher.dispatch(message(t0))
        await dispatcher.settle()
    assert [a.content.text.plain() for a in platform.actions] == ["fine"]
    assert "failed later" in caplog.text and "boom" in caplog.text


async def test_a_store_that_fails_under_a_later_step_stops_the_app(settings, t0):
    dispatcher, platform = build(settings)
    failures: list[StoreUnavailable] = []
    dispatcher.on_store_failed = failures.append

    async def unusable() -> list:
        raise StoreUnavailable("the disk is full")

    async def handler(event, community):
        return [Later(unusable())]

    dispatcher.subscribe(type(message(t0)), handler)
    await dispatcher.dispatch(message(t0))
    await dispatcher.settle()
    assert [str(error) for error in failures] == ["the disk is full"] and platform.actions == []
