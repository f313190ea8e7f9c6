"""The whole bot on real discord.py, fed through the local Discord fake's gateway, beside a bare discord.py client.

The fake runs in a child process, so the CPU time read in this process (every thread: the event loop and the
store's thread) is the client's alone. Each subject logs in to a fresh fake, waits for READY, then the fake
pushes the same stream (`benchmarks.stream`: joins, leaves, messages, replies, reactions; real everyday
tweets when the data folder is there, synthetic sentences otherwise) as fast as the socket takes it. The bare
client is discord.py with the intents and cache settings cmbot uses and listeners that only count; cmbot is
the app with every shipped feature, answering over REST to the fake (welcome posts, moderation cards). Both
stop when they have handled every event; cmbot's time includes its final flush. The figure is cmbot's CPU per
event beyond discord.py's own, against discord.py's own. The first `WARMUP_EVENTS` of the stream are pushed
and handled before the measure starts, by both subjects alike (cmbot loads its models and builds its rule
engines on the first message, once per run, not per event).

The fake serves the guild's invite links as Discord does (`GET /guilds/{id}/invites` with their use counts, the
bot holding Manage Server): a handmade link and a campaign one, and most members join by one of them, whose
count goes up before their GUILD_MEMBER_ADD, so cmbot's invite tracking reads real counts.

A third run, cmbot with no feature installed (the adapter, the runtime and its middleware only), is shown as a
diagnosis without a goal: how much of the added CPU the adapter and the runtime take, the rest being the
features'.

Left out: the network (loopback), gateway compression (the fake sends plain JSON), and Discord's rate limits
(the fake never answers 429 here).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import tempfile
import time
import zlib
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from benchmarks.harness import Measure
from benchmarks.stream import Happening, happenings, real_texts, synthetic_texts

SCENARIO = "pipeline"
GUILD, GENERAL = "100", "700"
CHANNELS = {"welcome": "701", "moderation": "702", "strategy": "703", "help": "704", "feedback": "705",
            "off-topic": "706", "announcements": "707"}
LONG_AGO = "2025-01-01T00:00:00+00:00"
TOKEN = "bench-token"
GOAL = "<= 1"
WARMUP_EVENTS = 1_000  # handled first, unmeasured, by both subjects
INVITES = ("handmade", "spring-newsletter")  # the guild's links; a tenth of the members join by none of them
SETTINGS_TOML = f"""
[bot]
database = "DATABASE"

[[communities]]
id = "bench"
name = "Bench"
locale = "fr"
timezone = "Europe/Paris"

[communities.discord]
space_id = "{GUILD}"
roles = {{ smm = ["501"], cm = ["502"], admin = ["503"] }}
channels = {{ welcome = "701", moderation = "702", strategy = "703", help = ["704"], feedback = ["705"] }}
"""


# -- the fake, in its own process -------------------------------------------------------------------------
Payload = tuple[str, dict[str, Any], str | None]  # gateway event, its data, the invite link it used (joins)


def _payloads(fake: Any, stream: list[Happening]) -> list[Payload]:
    from tests.fakes.discord_fake import member, user

    posted: list[tuple[str, str]] = []  # (message id, channel id) in posting order
    joined: dict[str, str] = {}
    out: list[Payload] = []
    for happening in stream:
        verb, who = happening.verb, happening.member
        author_id = str(zlib.crc32(who.encode()) + 10**12)
        if verb == "join":
            joined[who] = fake_now()
            link = INVITES[len(joined) % 2] if len(joined) % 10 else None  # a tenth come by the vanity URL
            out.append(("GUILD_MEMBER_ADD", member(author_id, who, joined_at=joined[who]) | {"guild_id": GUILD},
                        link))
        elif verb == "leave":
            out.append(("GUILD_MEMBER_REMOVE", {"guild_id": GUILD, "user": user(author_id, who)}, None))
        elif verb in ("say", "reply"):
            channel = CHANNELS.get(happening.channel, GENERAL)
            extra: dict[str, Any] = {}
            if verb == "reply":
                target, channel = posted[min(happening.target, len(posted) - 1)]
                extra = {"type": 19, "message_reference": {"message_id": target, "channel_id": channel,
                                                           "guild_id": GUILD}}
            payload = fake.message(channel, user(author_id, who), happening.text, guild_id=GUILD, **extra)
            payload["member"]["joined_at"] = joined.get(who, LONG_AGO)
            posted.append((payload["id"], channel))
            out.append(("MESSAGE_CREATE", payload, None))
        elif verb == "react":
            target, channel = posted[min(happening.target, len(posted) - 1)]
            out.append(("MESSAGE_REACTION_ADD", {
                "user_id": author_id, "channel_id": channel, "message_id": target, "guild_id": GUILD,
                "member": member(author_id, who, joined_at=joined.get(who, LONG_AGO)),
                "emoji": {"id": None, "name": happening.text}, "type": 0, "burst": False}, None))
    return out


def fake_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()


def _serve(conn: Connection, stream: list[Happening], warmup: int) -> None:
    asyncio.run(_serve_async(conn, stream, warmup))


async def _serve_async(conn: Connection, stream: list[Happening], warmup: int) -> None:
    from tests.fakes.discord_invites import FakeDiscordWithInvites

    fake = await FakeDiscordWithInvites(token=TOKEN, guild_ids=(GUILD,)).start()
    for name, channel_id in CHANNELS.items():
        fake.add_channel(channel_id, name)
    for code in INVITES:
        fake.add_invite(code, uses=40, channel_id=GENERAL)
    payloads = _payloads(fake, stream)
    parts = {"warm": payloads[:warmup], "go": payloads[warmup:]}
    conn.send(fake.port)
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command not in parts:
            break
        for event, data, link in parts[command]:
            if link is not None:
                fake.invites[link]["uses"] += 1  # Discord counts the use before the member is announced
            await fake.dispatch(event, data)
        conn.send("sent")
    await fake.stop()


# -- the two subjects ---------------------------------------------------------------------------------------
class Counter:
    """Counts handled events; `done` is set at `expected`."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.seen = 0
        self.done = asyncio.Event()

    def expect(self, expected: int) -> None:
        """Count afresh, up to `expected`."""
        self.expected, self.seen = expected, 0
        self.done = asyncio.Event()

    def tick(self) -> None:
        self.seen += 1
        if self.seen >= self.expected:
            self.done.set()


async def _bare(port: int, conn: Connection, warmup: int, expected: int) -> float:
    import discord

    from bot.platforms.discord.adapter import point_at
    from bot.platforms.discord.intents import wanted_intents

    point_at(f"http://127.0.0.1:{port}/api/v10", f"ws://127.0.0.1:{port}/gateway")
    client = discord.Client(intents=wanted_intents(), allowed_mentions=discord.AllowedMentions.none(),
                            chunk_guilds_at_startup=False, member_cache_flags=discord.MemberCacheFlags.none(),
                            guild_ready_timeout=0.05)
    counter = Counter(warmup)

    async def counted_listener(*_: Any) -> None:
        counter.tick()

    for name in ("on_message", "on_member_join", "on_raw_member_remove", "on_raw_reaction_add"):
        client.event(_named(counted_listener, name))
    await client.login(TOKEN)
    runner = asyncio.create_task(client.connect(reconnect=False))
    await client.wait_until_ready()
    await _played(conn, counter, "warm")
    counter.expect(expected)
    cpu = await _timed(conn, counter, None)
    await client.close()
    runner.cancel()
    return cpu


def _named(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    async def listener(*args: Any) -> None:
        await func(*args)

    listener.__name__ = name
    return listener


async def _cmbot(port: int, conn: Connection, warmup: int, expected: int, folder: Path,
                 every_feature: bool = True) -> tuple[float, int, list[int]]:
    from bot.app import App
    from bot.clock import SystemClock
    from bot.events import InvitesSeen
    from bot.features import shipped_features
    from bot.platforms.discord import DiscordPlatform, GatewayTimings
    from bot.store import Store
    from bot.wakeups import SchedulerWakeups
    from config.loader import parse_settings

    database = folder / f"discord-{time.monotonic_ns()}.db"
    settings = parse_settings(SETTINGS_TOML.replace("DATABASE", str(database)), "bench.toml")
    app = App(settings, Store.open(database), SystemClock(), SchedulerWakeups(),
              shipped_features() if every_feature else [])
    services = app.services
    platform = DiscordPlatform(token=TOKEN, settings=settings, commands=services.commands,
                               catalogue=services.catalogue, api_base=f"http://127.0.0.1:{port}/api/v10",
                               gateway_url=f"ws://127.0.0.1:{port}/gateway",
                               timings=GatewayTimings(guild_ready=0.05, reidentify=0.0))
    counter = Counter(warmup)
    readings: list[int] = []  # joins covered by each reading of the invite counts
    dispatch = services.dispatcher.dispatch

    async def counting(event: Any) -> Any:
        try:
            return await dispatch(event)
        finally:
            if isinstance(event, InvitesSeen):  # the adapter's own readings: not one of the stream's events
                readings.append(len(event.joined))
            else:
                counter.tick()

    services.dispatcher.dispatch = counting  # type: ignore[method-assign]
    app.attach([platform])
    await app.start()

    async def flush() -> None:
        for hook in reversed(services.stop_hooks):
            await hook()
        services.stop_hooks.clear()

    await _played(conn, counter, "warm")
    flagged_before, readings_before = _flag_count(services.store), len(readings)
    counter.expect(expected)
    cpu = await _timed(conn, counter, flush)
    flagged = _flag_count(services.store) - flagged_before
    await app.stop()
    return cpu, flagged, readings[readings_before:]


def _flag_count(store: Any) -> int:
    if "moderation_flags" not in store.db.table_names():
        return 0
    return store.db.execute("SELECT COUNT(*) FROM moderation_flags").fetchone()[0]


async def _played(conn: Connection, counter: Counter, part: str) -> None:
    """Ask the fake to push `part` of the stream ("warm" or "go"); back when the counter has seen it all."""
    loop = asyncio.get_running_loop()
    conn.send(part)
    try:
        await asyncio.wait_for(counter.done.wait(), timeout=900)
    except TimeoutError:
        logging.getLogger(__name__).warning("only %d of %d events handled", counter.seen, counter.expected)
    await loop.run_in_executor(None, conn.recv)  # "sent"


async def _timed(conn: Connection, counter: Counter, after: Callable[[], Any] | None) -> float:
    cpu_started = time.process_time()
    await _played(conn, counter, "go")
    if after is not None:
        await after()
    return time.process_time() - cpu_started


def _with_fake(stream: list[Happening], warmup: int, client: Callable[[int, Connection], Any]) -> Any:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_serve, args=(theirs, stream, warmup), daemon=True)
    child.start()
    try:
        port = ours.recv()
        return asyncio.run(client(port, ours))
    finally:
        ours.send("stop")
        child.join(timeout=30)
        if child.is_alive():
            child.kill()


def discord_measures(count: int, data_dir: Path, passes: int = 1) -> list[Measure]:
    """Bare discord.py and cmbot with every feature take turns, `passes` times each, a fresh fake and client
    each time after the same warm-up; each subject's figure is its median pass. The no-feature diagnosis runs
    once."""
    texts = real_texts(data_dir)
    label = "real texts" if texts is not None else "synthetic texts (no data folder)"
    stream = [h for h in happenings(WARMUP_EVENTS + count, texts if texts is not None else synthetic_texts())
              if h.verb != "tick"]  # the gateway pushes as fast as the socket takes it: no simulated time
    warmup, events = WARMUP_EVENTS, count
    logging.getLogger("discord").setLevel(logging.WARNING)
    bare_passes: list[float] = []
    cmbot_passes: list[tuple[float, int, list[int]]] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(passes):
            bare_passes.append(_with_fake(stream, warmup, lambda port, conn: _bare(port, conn, warmup, events)))
            cmbot_passes.append(_with_fake(
                stream, warmup, lambda port, conn: _cmbot(port, conn, warmup, events, Path(folder))))
        runtime_cpu, _, _ = _with_fake(
            stream, warmup, lambda port, conn: _cmbot(port, conn, warmup, events, Path(folder), every_feature=False))
    bare_cpu = sorted(bare_passes)[(passes - 1) // 2]
    cmbot_cpu, flagged, readings = sorted(cmbot_passes, key=lambda run: run[0])[(passes - 1) // 2]
    bare_us, cmbot_us, runtime_us = bare_cpu / events * 1e6, cmbot_cpu / events * 1e6, runtime_cpu / events * 1e6
    added = cmbot_us - bare_us
    told = (f"median of {passes} passes, {_range_us(bare_passes, events)}" if passes > 1 else "one pass")
    return [
        Measure(SCENARIO, "Discord gateway: bare discord.py client (baseline)", "CPU per event", bare_us, "µs",
                note=f"{events:,} events after {warmup:,} unmeasured, {label}, same intents and caches as cmbot; "
                     f"{told}"),
        Measure(SCENARIO, "Discord gateway: cmbot, every feature", "CPU per event", cmbot_us, "µs",
                note=f"discord.py included; {flagged:,} flags raised, cards posted over REST to the fake; "
                     f"{len(readings):,} readings of the invite counts for {sum(readings):,} joins; "
                     + (f"median of {passes} passes, {_range_us([r[0] for r in cmbot_passes], events)}"
                        if passes > 1 else "one pass")),
        Measure(SCENARIO, "Discord gateway: cmbot's added CPU / discord.py's own", "ratio", added / bare_us, "",
                GOAL, note=f"{added:.0f} µs added per event"),
        Measure(SCENARIO, "Discord gateway: cmbot with no feature, added CPU / discord.py's own (diagnosis)", "ratio",
                (runtime_us - bare_us) / bare_us, "",
                note=f"no goal: the adapter and the runtime alone ({runtime_us - bare_us:.0f} µs added per event), "
                     "to tell them from the features"),
    ]


def _range_us(cpu_seconds: list[float], events: int) -> str:
    ordered = sorted(cpu_seconds)
    return f"{ordered[0] / events * 1e6:.0f}–{ordered[-1] / events * 1e6:.0f} µs"
