"""The whole bot on real discord.py, fed through the local Discord fake's gateway, beside a bare discord.py client.

Each subject runs in a fresh process of its own (`benchmarks.isolated`), and its fake in a child of that process,
so the CPU time the subject reads (every thread of its process: the event loop and the store's thread) is the
client's alone, and no subject inherits the heap of one before it (the whole bot's models and their garbage, which
made the no-feature diagnosis swing from 0.25 to 1.06 between passes of one run). Each subject logs in to a fresh
fake, waits for READY, then the fake pushes the same stream (`benchmarks.stream`: joins, leaves, messages, replies,
reactions; real everyday tweets when the data folder is there, synthetic sentences otherwise) in bursts of `BURST`
events, the next one once the client has handled the last. Pushed as fast as the socket took them, the frames
reached a slow client many to a read and a fast one one by one, so the CPU per event depended on the subject's
speed and the machine's load (a faster subject paid more wake-ups per event); in bursts every subject reads the
same frames together, and sits idle between bursts as a bot does between a community's messages. The bare client is
discord.py with the intents and cache settings cmbot uses and listeners that only count; cmbot is the app with
every shipped feature, answering over REST to the fake (welcome posts, moderation cards). Both stop when they have
handled every event; cmbot's time includes its final flush. The figure is cmbot's CPU per event beyond discord.py's
own, against discord.py's own. The first `WARMUP_EVENTS` of the stream are pushed and handled before the measure
starts, by both subjects alike (cmbot loads its models and builds its rule engines on the first message, once per
run, not per event).

The fake serves the guild's invite links as Discord does (`GET /guilds/{id}/invites` with their use counts, the
bot holding Manage Server): a handmade link and a campaign one, and most members join by one of them, whose
count goes up before their GUILD_MEMBER_ADD, so cmbot's invite tracking reads real counts.

Two more subjects are shown as diagnoses without a goal: cmbot with no feature installed (the adapter, the
runtime and its middleware only) and cmbot with every feature but moderation; they tell how much of the added
CPU the adapter and the runtime take, how much moderation, and how much the other features. All four subjects
take turns in every pass (bare, every feature, no feature, no moderation, then again), each in a fresh
process with a fresh fake, after the same warm-up and a full garbage collection, and every ratio is taken
inside one pass, between neighbours: a difference of two CPU figures a minute apart on a shared machine (the
bare client's median against a no-feature run made once, after all the others) swung from 0.04 to 1.01
between runs of the same code. The figure is the median of the
passes' ratios, their lowest and highest in the note. Beside the CPU, each cmbot subject counts its work per
event, which the machine's load does not move: asyncio tasks created, store trips, handlers subscribed to
the events.

Left out: the network (loopback), gateway compression (the fake sends plain JSON), and Discord's rate limits
(the fake never answers 429 here).
"""

from __future__ import annotations

import asyncio
import collections
import gc
import logging
import multiprocessing
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.calls import CALLS_EVENTS, CallCount
from benchmarks.harness import Measure
from benchmarks.isolated import in_fresh_process
from benchmarks.stream import Happening, happenings, real_texts, synthetic_texts

SCENARIO = "pipeline"
GUILD, GENERAL = "100", "700"
CHANNELS = {"welcome": "701", "moderation": "702", "strategy": "703", "help": "704", "feedback": "705",
            "off-topic": "706", "announcements": "707"}
LONG_AGO = "2025-01-01T00:00:00+00:00"
TOKEN = "bench-token"
GOAL = "<= 1"
WARMUP_EVENTS = 1_000  # handled first, unmeasured, by every subject
BURST = 20  # measured events the fake pushes together; the next burst waits until the client handled them
BURST_PATIENCE = 300.0  # seconds a burst may take before the run goes on with a warning (a lost event)
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
    measured = payloads[warmup:]
    conn.send(fake.port)
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command == "warm":  # the warm-up, all at once; the client is told when it is sent
            await _push(fake, payloads[:warmup])
            conn.send("sent")
        elif command == "burst":  # the next burst of the measured part; the client counts what it handles
            burst, measured = measured[:BURST], measured[BURST:]
            await _push(fake, burst)
        else:
            break
    await fake.stop()


async def _push(fake: Any, payloads: list[Payload]) -> None:
    for event, data, link in payloads:
        if link is not None:
            fake.invites[link]["uses"] += 1  # Discord counts the use before the member is announced
        await fake.dispatch(event, data)


# -- the subjects ------------------------------------------------------------------------------------------
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
    cpu = await _timed(conn, counter, expected, None)
    await client.close()
    runner.cancel()
    return cpu


def _named(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    async def listener(*args: Any) -> None:
        await func(*args)

    listener.__name__ = name
    return listener


@dataclass(frozen=True)
class Work:
    """What one cmbot pass did over its measured events: counted, so the machine's load does not move it."""

    tasks: int = 0  # asyncio tasks created (the adapter's, the features', the store's carriers)
    trips: int = 0  # store trips (`Store.run`)
    handlers: int = 0  # handlers subscribed to the events dispatched (each runs unless one before it said STOP)

    def per_event(self, events: int) -> str:
        return (f"per event: {self.tasks / events:.2f} tasks, {self.trips / events:.3f} store trips, "
                f"{self.handlers / events:.2f} handlers")


@dataclass(frozen=True)
class CmbotPass:
    cpu: float
    flagged: int
    readings: tuple[int, ...]
    work: Work


async def _cmbot(port: int, conn: Connection, warmup: int, expected: int, folder: Path,
                 features: str = "every") -> CmbotPass:
    """cmbot with `features`: "every" shipped feature, "none", or every one "but moderation"."""
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
    chosen = {"every": shipped_features(), "none": [],
              "but moderation": [f for f in shipped_features() if f.name != "moderation"]}[features]
    app = App(settings, Store.open(database), SystemClock(), SchedulerWakeups(), chosen)
    services = app.services
    platform = DiscordPlatform(token=TOKEN, settings=settings, commands=services.commands,
                               catalogue=services.catalogue, api_base=f"http://127.0.0.1:{port}/api/v10",
                               gateway_url=f"ws://127.0.0.1:{port}/gateway",
                               timings=GatewayTimings(guild_ready=0.05, reidentify=0.0))
    counter = Counter(warmup)
    readings: list[int] = []  # joins covered by each reading of the invite counts
    dispatch = services.dispatcher.dispatch

    subscribed = services.dispatcher._handlers
    counts: collections.Counter[str] = collections.Counter()

    async def counting(event: Any) -> Any:
        counts["handlers"] += len(subscribed.get(type(event), ()))
        try:
            return await dispatch(event)
        finally:
            if isinstance(event, InvitesSeen):  # the adapter's own readings: not one of the stream's events
                readings.append(len(event.joined))
            else:
                counter.tick()

    services.dispatcher.dispatch = counting  # type: ignore[method-assign]
    _count_work(services, counts)
    app.attach([platform])
    await app.start()

    async def flush() -> None:
        for hook in reversed(services.stop_hooks):
            await hook()
        services.stop_hooks.clear()

    await _played(conn, counter, "warm")
    flagged_before, readings_before = _flag_count(services.store), len(readings)
    counts.clear()
    cpu = await _timed(conn, counter, expected, flush)
    work = Work(counts["tasks"], counts["trips"], counts["handlers"])
    flagged = _flag_count(services.store) - flagged_before
    await app.stop()
    return CmbotPass(cpu, flagged, tuple(readings[readings_before:]), work)


def _count_work(services: Any, counts: collections.Counter[str]) -> None:
    """Count in `counts` the tasks the loop creates and the store's trips (the handlers are counted where the
    events are). Counting wraps two entry points (a task factory, `Store.run`); the wrappers cost a little CPU
    of their own (about a microsecond per task, and cmbot makes about one task per event), in every cmbot
    subject alike."""
    loop = asyncio.get_running_loop()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        counts["tasks"] += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)  # type: ignore[arg-type]
    store, run = services.store, services.store.run

    async def counted_run(fn: Any) -> Any:
        counts["trips"] += 1
        return await run(fn)

    store.run = counted_run


def _flag_count(store: Any) -> int:
    if "moderation_flags" not in store.db.table_names():
        return 0
    return store.db.execute("SELECT COUNT(*) FROM moderation_flags").fetchone()[0]


async def _played(conn: Connection, counter: Counter, part: str) -> None:
    """Ask the fake to push `part` of the stream ("warm"); back when the counter has seen it all."""
    loop = asyncio.get_running_loop()
    conn.send(part)
    await _handled(counter)
    await loop.run_in_executor(None, conn.recv)  # "sent"


async def _handled(counter: Counter) -> None:
    try:
        await asyncio.wait_for(counter.done.wait(), timeout=BURST_PATIENCE)
    except TimeoutError:
        logging.getLogger(__name__).warning("only %d of %d events handled", counter.seen, counter.expected)


async def _timed(conn: Connection, counter: Counter, events: int, after: Callable[[], Any] | None) -> float:
    """The CPU this process spends on the measured `events`, asked for in bursts of `BURST`: each burst is
    pushed once the last one is handled, so every subject reads the same frames together, whatever its speed
    (see the module's docstring), and the final `after` (cmbot's flush)."""
    gc.collect()  # every subject starts its measure with the warm-up's garbage gone
    if COUNTING is not None:
        COUNTING.start()
    cpu_started = time.process_time()
    for start in range(0, events, BURST):
        counter.expect(min(BURST, events - start))
        conn.send("burst")
        await _handled(counter)
    if after is not None:
        await after()
    cpu = time.process_time() - cpu_started
    if COUNTING is not None:
        COUNTING.stop()
    return cpu


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


SUBJECTS = ("every", "none", "but moderation")  # cmbot's, in the order they follow the bare client in a pass


def discord_stream(count: int, data_dir: Path) -> tuple[list[Happening], str]:
    """The warm-up and `count` measured events (real texts when the data folder is there), without the clock's
    ticks: the gateway pushes as fast as the client takes it, so no simulated time passes."""
    texts = real_texts(data_dir)
    label = "real texts" if texts is not None else "synthetic texts (no data folder)"
    stream = [h for h in happenings(WARMUP_EVENTS + count, texts if texts is not None else synthetic_texts())
              if h.verb != "tick"]
    return stream, label


def bare_pass(count: int, data_dir: str) -> float:
    """The bare discord.py client's CPU over the measured events, meant to run in a fresh process of its own
    (`benchmarks.isolated`), with its own fake in a child process."""
    stream, _ = discord_stream(count, Path(data_dir))
    logging.getLogger("discord").setLevel(logging.WARNING)
    return _with_fake(stream, WARMUP_EVENTS, lambda port, conn: _bare(port, conn, WARMUP_EVENTS, count))


def cmbot_pass(subject: str, count: int, data_dir: str, folder: str) -> CmbotPass:
    """cmbot's pass with `subject`'s features (one of `SUBJECTS`), in a fresh process as `bare_pass` is."""
    stream, _ = discord_stream(count, Path(data_dir))
    logging.getLogger("discord").setLevel(logging.WARNING)
    return _with_fake(stream, WARMUP_EVENTS,
                      lambda port, conn: _cmbot(port, conn, WARMUP_EVENTS, count, Path(folder), subject))


COUNTING: CallCount | None = None  # set in a counted pass's own process: the calls of its measured part


def calls_per_event(subject: str, count: int, data_dir: str, folder: str) -> float:
    """Function calls per measured event of `subject` ("bare" or one of `SUBJECTS`), counted (`benchmarks.calls`);
    meant to run in a fresh process."""
    global COUNTING
    COUNTING = CallCount()
    if subject == "bare":
        bare_pass(count, data_dir)
    else:
        cmbot_pass(subject, count, data_dir, folder)
    return COUNTING.calls / count


def discord_measures(count: int, data_dir: Path, passes: int = 1) -> list[Measure]:
    """Bare discord.py, then cmbot with every feature, with none and with every feature but moderation, take
    turns, `passes` times, each subject in a fresh process with a fresh fake after the same warm-up. Each
    subject's CPU is its median pass; each ratio is the median of the passes' ratios, each pass's cmbot figures
    set against the bare client of the same pass."""
    _, label = discord_stream(0, data_dir)
    warmup, events = WARMUP_EVENTS, count
    bare_passes: list[float] = []
    cmbot_passes: dict[str, list[CmbotPass]] = {subject: [] for subject in SUBJECTS}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(passes):
            bare_passes.append(in_fresh_process(bare_pass, count, str(data_dir)))
            for subject in SUBJECTS:
                cmbot_passes[subject].append(in_fresh_process(cmbot_pass, subject, count, str(data_dir), folder))
        calls_events = min(count, CALLS_EVENTS)
        calls = {subject: in_fresh_process(calls_per_event, subject, calls_events, str(data_dir), folder)
                 for subject in ("bare", *SUBJECTS)}

    def added(subject: str) -> list[float]:
        """Each pass's CPU added per event by `subject`, over the bare client's of the same pass."""
        return [(run.cpu - bare) / bare for run, bare in zip(cmbot_passes[subject], bare_passes, strict=True)]

    def told(ratios: list[float]) -> str:
        return (f"median of {passes} passes' ratios, {min(ratios):.2f}–{max(ratios):.2f}" if passes > 1
                else "one pass")

    bare_us = median(bare_passes) / events * 1e6
    every = _median_pass(cmbot_passes["every"])
    every_us = every.cpu / events * 1e6
    ratios = {subject: added(subject) for subject in SUBJECTS}
    return [
        Measure(SCENARIO, "Discord gateway: bare discord.py client (baseline)", "CPU per event", bare_us, "µs",
                note=f"{events:,} events after {warmup:,} unmeasured, {label}, same intents and caches as cmbot; "
                     + (f"median of {passes} passes, {_range_us(bare_passes, events)}" if passes > 1 else "one pass")),
        Measure(SCENARIO, "Discord gateway: cmbot, every feature", "CPU per event", every_us, "µs",
                note=f"discord.py included; {every.flagged:,} flags raised, cards posted over REST to the fake; "
                     f"{len(every.readings):,} readings of the invite counts for {sum(every.readings):,} joins; "
                     f"{every.work.per_event(events)}; "
                     + (f"median of {passes} passes, {_range_us([r.cpu for r in cmbot_passes['every']], events)}"
                        if passes > 1 else "one pass")),
        Measure(SCENARIO, "Discord gateway: cmbot's added CPU / discord.py's own", "ratio",
                median(ratios["every"]), "", GOAL,
                note=f"{every_us - bare_us:.0f} µs added per event (median passes); {told(ratios['every'])}"),
        _diagnosis("cmbot with no feature", "the adapter and the runtime alone", cmbot_passes["none"],
                   ratios["none"], bare_us, events, told),
        _diagnosis("cmbot with every feature but moderation", "the adapter, the runtime and the other features",
                   cmbot_passes["but moderation"], ratios["but moderation"], bare_us, events, told),
        Measure(SCENARIO, "Discord gateway: function calls per event, bare / no feature / but moderation / every "
                          "feature (counted)", "calls",
                " / ".join(f"{calls[subject]:.1f}" for subject in ("bare", "none", "but moderation", "every")), "",
                note=f"counted by cProfile over {calls_events:,} events after the same warm-up, one pass each in a "
                     "process of its own (`benchmarks.calls`): the load does not move it"),
    ]


def _median_pass(runs: list[CmbotPass]) -> CmbotPass:
    return sorted(runs, key=lambda run: run.cpu)[(len(runs) - 1) // 2]


def _diagnosis(subject: str, what: str, runs: list[CmbotPass], ratios: list[float], bare_us: float, events: int,
               told: Callable[[list[float]], str]) -> Measure:
    chosen = _median_pass(runs)
    return Measure(SCENARIO, f"Discord gateway: {subject}, added CPU / discord.py's own (diagnosis)", "ratio",
                   median(ratios), "",
                   note=f"no goal: {what} ({chosen.cpu / events * 1e6 - bare_us:.0f} µs added per event, median "
                        f"passes; {chosen.work.per_event(events)}); {told(ratios)}")


def _range_us(cpu_seconds: list[float], events: int) -> str:
    ordered = sorted(cpu_seconds)
    return f"{ordered[0] / events * 1e6:.0f}–{ordered[-1] / events * 1e6:.0f} µs"
