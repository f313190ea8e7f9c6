"""A 10-second `BEGIN EXCLUSIVE` from another process while joins and messages arrive on the console and on Slack
(HTTP and Socket Mode): every event lands once, no welcome lost, none doubled.

Ten seconds is twice SQLite's busy timeout (5 s), so the store's own retry queue, not SQLite's busy handler,
carries the work; it is also more than three of Slack's 3-second acknowledgement windows, so Slack delivers
its events again (503 over HTTP, no acknowledgement in Socket Mode) while the first deliveries still wait.
The console runs as `cmbot run` in a subprocess, the Slack side as the real adapter against the fake; one lock
process holds both databases. The lock's length is the fault's (the locker holds `--at-least` 10 s, within the
store's patience, `CMBOT_STORE_PATIENCE_SECONDS`, set for both bots); the test never sleeps: it asks for the
release once both bots have shown they are waiting, and waits on events.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.events import MemberJoined, MessagePosted
from bot.store import Store
from bot.store.migrations import apply_all
from tests.fakes.slack_fake import SlackFake
from tests.patience import PATIENCE
from tests.reliability.conftest import ROOT
from tests.reliability.test_console_faults import CONFIG, WELCOME
from tests.slack.harness import GENERAL, build_harness
from tests.slack.harness import WELCOME as SLACK_WELCOME

LOCK_SECONDS = 10
PATIENCE_SECONDS = 60  # CMBOT_STORE_PATIENCE_SECONDS, the default: the lock ends well within the store's patience
RETRIES = (1.0, 5.0, 15.0)  # Slack's schedule (at once, 1 min, 5 min), compressed
WAITING = "the database is locked by another process; waiting"


class Lines:
    """Every line a stream gives, kept, with a wait for the first that holds a marker."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self.task = asyncio.ensure_future(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            async with self._changed:
                self.lines.append(line.decode(errors="replace"))
                self._changed.notify_all()
        async with self._changed:
            self.lines.append("")  # the end
            self._changed.notify_all()

    async def wait_for(self, marker: str) -> None:
        async with asyncio.timeout(PATIENCE), self._changed:
            await self._changed.wait_for(lambda: any(marker in line for line in self.lines) or "" in self.lines)
        assert any(marker in line for line in self.lines), f"{marker!r} never came: {self.text[-3000:]}"

    @property
    def text(self) -> str:
        return "".join(self.lines)


async def console_bot(tmp_path: Path) -> asyncio.subprocess.Process:
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "bot.db"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    env["CMBOT_STORE_PATIENCE_SECONDS"] = str(PATIENCE_SECONDS)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "run", "--platform", "console", "--start-at",
        "2026-11-23T09:00:00+01:00", cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


async def until(predicate) -> None:
    async with asyncio.timeout(PATIENCE):
        while not predicate():
            await asyncio.sleep(0.01)  # a bounded poll on another thread's counter


@pytest.fixture
async def fake():
    slack = SlackFake()
    await slack.start()
    for user, name in (("UADA", "Ada"), ("UBOB", "Bob"), ("UROOT", "Root")):
        slack.add_user(user, name)
    yield slack
    await slack.stop()


async def test_a_ten_second_lock_while_joins_and_messages_arrive_on_the_console_and_on_slack(tmp_path, fake):
    console_dir, slack_db = tmp_path / "console", tmp_path / "slack.db"
    console_dir.mkdir()
    assert LOCK_SECONDS < PATIENCE_SECONDS  # a lock the bots wait out; past the patience they stop (exit 5)
    store = Store.open(slack_db, patience=PATIENCE_SECONDS)
    apply_all(store.db, [])
    http_bot = await build_harness(store, fake, http=True)
    socket_bot = await build_harness(store, fake)
    console = await console_bot(console_dir)
    assert console.stdin is not None and console.stdout is not None and console.stderr is not None
    out, log = Lines(console.stdout), Lines(console.stderr)
    locker: asyncio.subprocess.Process | None = None
    try:
        console.stdin.write(b"join alice\n")
        await console.stdin.drain()
        await out.wait_for(WELCOME.format(name="alice"))  # the bot is up and its database exists
        locker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.reliability.locker", "--at-least", str(LOCK_SECONDS),
            str(console_dir / "bot.db"), str(slack_db), cwd=ROOT, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        assert locker.stdin is not None and locker.stdout is not None
        assert await locker.stdout.readline() == b"locked\n"

        console.stdin.write("".join(f"{line}\n" for line in (
            "join bob", "say bob #general hello from bob", "join carol", "say carol #general hi all",
            "react carol m3 👍")).encode())  # fmt: skip
        await console.stdin.drain()
        joins = [fake.event_body({"type": "member_joined_channel", "user": user, "channel": SLACK_WELCOME,
                                  "event_ts": f"1700000000.00010{i}"}, f"EvJOIN{i}")
                 for i, user in enumerate(("UADA", "UBOB"))]
        chats = [fake.event_body({"type": "message", "user": "UROOT", "text": f"hello {i}", "channel": GENERAL,
                                  "ts": f"1700000001.00010{i}"}, f"EvCHAT{i}") for i in range(2)]
        url = http_bot.platform.transport.url
        deliveries = asyncio.gather(
            *(fake.deliver_http(url, body, retry_delays=RETRIES) for body in (joins[0], chats[0])),
            *(fake.deliver_socket(body, retry_delays=RETRIES) for body in (joins[1], chats[1])))

        await log.wait_for(WAITING)  # the console's work outlasted SQLite's busy timeout and is queued
        await until(lambda: store.busy_retries > 0)  # so did the Slack side's
        locker.stdin.write(b"release\n")  # held until LOCK_SECONDS have passed since "locked"
        await locker.stdin.drain()
        released = (await locker.stdout.readline()).decode()
        http_statuses, http_chats, socket_joins, socket_chats = await deliveries
        await http_bot.platform.idle()
        await socket_bot.platform.idle()
        console.stdin.close()
        async with asyncio.timeout(PATIENCE):
            await console.wait()
            await asyncio.gather(out.task, log.task)
    finally:
        for process in (console, locker):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
        await http_bot.platform.stop()
        await socket_bot.platform.stop()
    held = float(released.split()[2])
    print(f"lock held {held:.1f} s; Slack HTTP statuses {http_statuses} {http_chats}; Socket Mode deliveries "
          f"{socket_joins} {socket_chats}; Slack-side store retries {store.busy_retries}")
    assert held >= LOCK_SECONDS  # the fault's length, as the locker measured it

    # the console: each join welcomed once, each message and reaction counted once
    assert console.returncode == 0, log.text[-3000:]
    for name in ("alice", "bob", "carol"):
        assert out.text.count(WELCOME.format(name=name)) == 1, out.text
    db = console_dir / "bot.db"
    assert rows(db, "SELECT count(*) FROM seen_events WHERE handled = 1") == [(3,)]
    assert rows(db, "SELECT member_id, count(*) FROM welcome_welcomes GROUP BY member_id") == [
        ("alice", 1), ("bob", 1), ("carol", 1)]  # fmt: skip
    events = rows(db, "SELECT kind, member_id, count(*) FROM engagement_events GROUP BY kind, member_id, message_id")
    assert sorted(events) == [("join", "alice", 1), ("join", "bob", 1), ("join", "carol", 1),
                              ("message", "bob", 1), ("message", "carol", 1), ("reaction", "carol", 1)]  # fmt: skip
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]

    # Slack: not acknowledged while the store could not take the events, so Slack delivered them again
    assert http_statuses[-1] == http_chats[-1] == 200
    assert len(http_statuses) > 1 or len(http_chats) > 1
    assert socket_joins > 1 or socket_chats > 1
    welcomes = [json.dumps(c.args) for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == SLACK_WELCOME]
    assert len(welcomes) == 2 and any("UADA" in w for w in welcomes) and any("UBOB" in w for w in welcomes)
    handled = http_bot.handled + socket_bot.handled
    assert sorted(e.event_id for e in handled if isinstance(e, MemberJoined)) == ["EvJOIN0", "EvJOIN1"]
    assert sorted(e.event_id for e in handled if isinstance(e, MessagePosted)) == ["EvCHAT0", "EvCHAT1"]
    seen = store.db.execute("SELECT event_id, handled FROM seen_events ORDER BY event_id").fetchall()
    assert seen == [("EvCHAT0", 1), ("EvCHAT1", 1), ("EvJOIN0", 1), ("EvJOIN1", 1)]
    assert rows(slack_db, "PRAGMA integrity_check") == [("ok",)]
    store.close()
