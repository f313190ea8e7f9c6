"""What one gateway event costs the adapter beyond discord.py, counted at the wire (real discord.py, the fake).

Every event of a community comes through here, so the work is counted, not timed: turns of the event loop
scheduled for our bookkeeping, and discord.py's own dispatch by event name.
"""

from __future__ import annotations

import asyncio

import discord

from bot.events import MessagePosted
from tests.discord.conftest import GUILD
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import user
from tests.patience import PATIENCE


async def _say(harness, count: int, first: int = 0) -> None:
    for index in range(first, first + count):
        payload = harness.fake.message("700", user("43", "Ana"), f"bonjour {index}", guild_id=GUILD)
        await harness.fake.dispatch("MESSAGE_CREATE", payload)


async def test_an_events_task_drops_itself_without_a_turn_of_the_loop(harness, monkeypatch):
    """Each gateway event is handed to the core in a task of its own, kept in the listener's set until it ends;
    the task leaves the set as its last step, so no done callback is scheduled for it (one loop turn per
    event, with a handle of its own), and the set is empty once the events are handled."""
    listener = harness.platform.listener
    loop = asyncio.get_running_loop()
    ours: list[object] = []
    call_soon = loop.call_soon

    def counting(callback, *args, **kwargs):
        if getattr(callback, "__self__", None) is listener._tasks:
            ours.append(callback)
        return call_soon(callback, *args, **kwargs)

    monkeypatch.setattr(loop, "call_soon", counting)
    messages = 8
    await _say(harness, messages)
    await until(lambda: len(harness.seen.of(MessagePosted)) == messages)
    await until(lambda: not listener._tasks)
    assert [e.text for e in harness.seen.of(MessagePosted)] == [f"bonjour {i}" for i in range(messages)]
    assert ours == []


async def test_a_failing_core_is_logged_and_its_task_still_leaves(harness, caplog):
    listener = harness.platform.listener
    handled = harness.platform.listener.sink

    async def failing(event):
        await handled(event)
        raise RuntimeError("boom")

    listener.sink = failing
    await _say(harness, 2)
    await until(lambda: len(harness.seen.of(MessagePosted)) == 2)
    await until(lambda: not listener._tasks)
    assert caplog.text.count("the core failed on MessagePosted") == 2


async def test_stop_cancels_the_events_under_way(harness):
    listener = harness.platform.listener
    release = asyncio.Event()
    started: list[str] = []

    async def slow(event):
        started.append(event.event_id)
        await release.wait()

    listener.sink = slow
    await _say(harness, 3)
    await until(lambda: len(started) == 3)
    assert len(listener._tasks) == 3
    tasks = list(listener._tasks)
    await listener.stop()
    assert all(task.cancelled() for task in tasks)
    assert not listener._tasks


async def test_discord_py_dispatches_only_the_events_someone_listens_to(harness, monkeypatch):
    """The adapter hears the payloads before discord.py's dispatch, so a message has no `on_message` handler
    on the client: discord.py's dispatch is not entered for it (it would look the handler up by name and fail
    on every frame). A `wait_for` on the same event still gets it, and so does a handler set on the client."""
    client = harness.platform.client
    dispatched: list[str] = []
    original = discord.Client.dispatch

    def counting(self, event, /, *args, **kwargs):
        dispatched.append(event)
        return original(self, event, *args, **kwargs)

    monkeypatch.setattr(discord.Client, "dispatch", counting)
    await _say(harness, 3)
    await until(lambda: len(harness.seen.of(MessagePosted)) == 3)
    assert "message" not in dispatched

    waiting = asyncio.ensure_future(client.wait_for("message", check=lambda m: m.content == "bonjour 3",
                                                    timeout=PATIENCE))
    await asyncio.sleep(0)  # the waiter is registered
    await _say(harness, 1, first=3)
    assert (await waiting).content == "bonjour 3"

    heard: list[str] = []

    async def on_message(message):
        heard.append(message.content)

    client.event(on_message)
    await _say(harness, 1, first=4)
    await until(lambda: heard == ["bonjour 4"])
    assert dispatched.count("message") == 2
    assert [e.text for e in harness.seen.of(MessagePosted)] == [f"bonjour {i}" for i in range(5)]
