"""Another process holds the database with `BEGIN EXCLUSIVE` for 10 seconds while joins and messages arrive over
Slack HTTP and Socket Mode. Until the store takes an event, Slack gets no acknowledgement (503 over HTTP, no ack
in Socket Mode) and delivers it again, as it does; in the end every event is handled once: no welcome lost, none
doubled."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.events import MemberJoined, MessagePosted
from tests.slack.harness import GENERAL, WELCOME, build_harness

LOCK_SECONDS = 10
RETRIES = (1.0, 5.0, 15.0)  # Slack's schedule (at once, 1 min, 5 min), compressed
HOLD = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


async def test_events_arriving_while_another_process_locks_the_store_are_each_handled_once(store, fake, tmp_path):
    http_bot = await build_harness(store, fake, http=True)
    socket_bot = await build_harness(store, fake)
    database = str(tmp_path / "cmbot.db")  # the `store` fixture's file
    holder = await asyncio.create_subprocess_exec(sys.executable, "-c", HOLD, database, str(LOCK_SECONDS),
                                                  stdout=asyncio.subprocess.PIPE)
    try:
        assert holder.stdout is not None
        assert await holder.stdout.readline() == b"locked\n"
        joins = [fake.event_body({"type": "member_joined_channel", "user": user, "channel": WELCOME,
                                  "event_ts": f"1700000000.00010{i}"}, f"EvJOIN{i}")
                 for i, user in enumerate(("UADA", "UBOB"))]
        chats = [fake.event_body({"type": "message", "user": "UROOT", "text": f"hello {i}", "channel": GENERAL,
                                  "ts": f"1700000001.00010{i}"}, f"EvCHAT{i}") for i in range(2)]
        url = http_bot.platform.transport.url
        over_http = [fake.deliver_http(url, body, retry_delays=RETRIES) for body in (joins[0], chats[0])]
        over_socket = [fake.deliver_socket(body, retry_delays=RETRIES) for body in (joins[1], chats[1])]
        results = await asyncio.gather(*over_http, *over_socket)
        http_statuses, socket_deliveries = results[:2], results[2:]
        await holder.wait()
        await http_bot.platform.idle()
        await socket_bot.platform.idle()
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await http_bot.platform.stop()
        await socket_bot.platform.stop()

    assert all(statuses[-1] == 200 for statuses in http_statuses)
    assert any(len(statuses) > 1 for statuses in http_statuses)  # the lock did hold the first deliveries back
    assert any(count > 1 for count in socket_deliveries)
    welcomes = [json.dumps(c.args) for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == WELCOME]
    assert len(welcomes) == 2 and any("UADA" in w for w in welcomes) and any("UBOB" in w for w in welcomes)
    handled = http_bot.handled + socket_bot.handled
    assert sorted(e.event_id for e in handled if isinstance(e, MemberJoined)) == ["EvJOIN0", "EvJOIN1"]
    assert sorted(e.event_id for e in handled if isinstance(e, MessagePosted)) == ["EvCHAT0", "EvCHAT1"]
    seen = store.db.execute("SELECT event_id FROM seen_events ORDER BY event_id").fetchall()
    assert [row[0] for row in seen] == ["EvCHAT0", "EvCHAT1", "EvJOIN0", "EvJOIN1"]
