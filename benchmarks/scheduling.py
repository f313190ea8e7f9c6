"""Scheduling: rebuilding the calendar's wake-ups from the store, lateness when a thousand posts fall due, and
exactly-once across a restart.

Part one puts 10,000 pending posts in the store (one a minute, from half an hour ahead) and times what every
start does, in a fresh process (so the RSS it adds is not hidden in a heap another measure grew): read the
posts due within the coming window and add one APScheduler job per distinct due instant among them, then the
horizon job that loads the next window, in a running loop; the jobs it handed APScheduler are counted.
Part two schedules 1,000 one-shot posts due at the same second, 4-5 s ahead, on the real clock with APScheduler,
to the console platform, through the calendar's wake-ups as shipped (one job for the instant, and one that reads
and renders its posts 2 s before it), and records the time from the due instant to each platform call. The limit
it is compared with is measured in the same run: APScheduler alone waking 1,000 no-op jobs due at the same
second. Both are timed in pairs (`PAIRS` per run), each subject in a fresh process of its own after a full
garbage collection, cmbot and APScheduler in turn, so the load of the moment falls on both; the ratio is the
median of the pairs' ratios, and the process CPU time from the wake-up to the p99 send shows how much of the
wall time was work.
Part three publishes 1,000 posts due together through the calendar feature in one process, stops that app
(as SIGTERM does) once 300 were sent, and lets a second process finish on the same database: every platform
send is logged to a file by both processes, and the database's deliveries are counted afterwards.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from benchmarks.harness import Measure, ScenarioOptions
from benchmarks.restart import restart_figures
from bot.actions import Action, ActionResult, Post
from bot.clock import SimulatedClock, SystemClock
from bot.commands import CommandRegistry
from bot.dispatcher import CommunityDirectory
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.store.migrations import apply_all
from bot.wakeups import SchedulerWakeups
from config.settings import Settings
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target, create_post, stamp
from schedules.calendar.delivery import Publisher
from schedules.calendar.jobs import READ_AHEAD, CalendarJobs
from schedules.calendar.notices import Notices

SCENARIO = "scheduling"
PAIRS = 3  # bursts per run for each subject, cmbot and APScheduler in turn, each in a fresh process
SCHEDULED_AHEAD = timedelta(seconds=5)  # the burst is scheduled this far ahead (its posts are read ahead 2 s before)
CONSOLE_CODE = str(Path("bot", "platforms", "console"))
SETTINGS = {
    "communities": [{"id": "bench", "name": "Bench", "locale": "en", "timezone": "Europe/Paris",
                     "console": {"space_id": "console", "channels": {"strategy": "strategy"}}}],
}


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fill(store: Store, count: int, first_due: datetime) -> None:
    """Insert `count` scheduled posts directly (the benchmark measures the rebuild, not the inserts)."""
    db = store.db
    now = stamp(datetime.now(UTC))
    rows = []
    for index in range(count):
        due = stamp(first_due + timedelta(minutes=index))
        rows.append(("bench", Status.SCHEDULED.value, "console", "smm", f"Post {index}", "{}", "[]", due,
                     "Europe/Paris", due, 1, now, now))
    with db.conn:
        db.conn.executemany(
            "INSERT INTO calendar_posts (community, status, author_platform, author_id, body, variants, attachments,"
            " publish_at, timezone, next_due_at, utm, created_at, updated_at) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.conn.executemany(
            "INSERT INTO calendar_targets (post_id, platform, channel_id) VALUES (?, 'console', 'news')",
            [(i,) for i in range(1, count + 1)])


async def _rebuild(store: Store, clock: SystemClock) -> tuple[float, int, int]:
    wakeups = SchedulerWakeups()
    wakeups.start()
    jobs = CalendarJobs(wakeups, clock, timedelta(hours=1))

    async def nothing(post_ids) -> None:
        return None

    async def sweep() -> None:
        return None

    jobs.bind(nothing)
    started = time.perf_counter()
    count = await jobs.rebuild(store, sweep, timedelta(minutes=1))
    elapsed = time.perf_counter() - started
    await wakeups.shutdown()
    return elapsed, count, jobs.added


class TimedConsole(ConsolePlatform):
    """The console platform, noting when each scheduled post reaches it (and the process CPU time then)."""

    calls: list[tuple[str, float]]
    cpu: list[float]

    async def execute(self, action: Action) -> ActionResult:
        if isinstance(action, Post) and action.idempotency_key:
            self.calls.append((action.idempotency_key, time.time()))
            self.cpu.append(time.process_time())
        return await super().execute(action)


async def _lateness(folder: Path, count: int) -> tuple[list[float], int, int, float]:
    settings = Settings.model_validate({**SETTINGS, "bot": {"database": str(folder / "late.db")}})
    store = Store.open(settings.bot.database)
    apply_all(store.db, [migrations])
    clock = SystemClock()
    console = TimedConsole("console", SimulatedClock(), CommandRegistry(), lambda: None, stdout=io.StringIO())
    console.calls, console.cpu = [], []
    outbox = Outbox({console.name: console})
    wakeups = SchedulerWakeups()
    jobs = CalendarJobs(wakeups, clock, timedelta(hours=1), lead=READ_AHEAD)
    publisher = Publisher(store, clock, outbox, Notices(outbox, Catalogue.shipped()), CommunityDirectory(settings),
                          jobs.schedule)
    jobs.bind(publisher.run_posts, publisher.read_ahead)
    wakeups.start()
    publisher.started_at = clock.now()
    author = Actor("console", "smm")
    ids = []
    for index in range(count):
        draft = PostDraft(community="bench", author=author, body=f"Post {index}", targets=(Target("console", "news"),),
                          timezone="Europe/Paris", publish_at=clock.now() + timedelta(hours=1), utm=False)
        ids.append(create_post(store.db, draft, Status.SCHEDULED, clock.now()))
    due = (clock.now() + SCHEDULED_AHEAD).replace(microsecond=0)
    with store.db.conn:
        store.db.execute("UPDATE calendar_posts SET publish_at = ?, next_due_at = ?", [stamp(due), stamp(due)])
    woke: list[float] = []  # the process CPU time when the instant's job woke
    run_posts = publisher.run_posts

    async def timed_run(post_ids) -> None:
        woke.append(time.process_time())
        await run_posts(post_ids)

    jobs.bind(timed_run, publisher.read_ahead)
    gc.collect()  # the set-up's garbage is not collected inside the burst (APScheduler's run does the same)
    for post_id in ids:
        jobs.schedule(post_id, due)

    def settled(db) -> int:
        return db.execute("SELECT COUNT(*) FROM calendar_posts WHERE status = 'published'").fetchone()[0]

    deadline = time.monotonic() + 60
    while await store.run(settled) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await publisher.stop()  # the last jobs finish their bookkeeping
    await wakeups.shutdown()
    lateness = [at - due.timestamp() for _, at in console.calls]
    duplicates = sum(n - 1 for n in Counter(key for key, _ in console.calls).values())
    published = store.db.execute("SELECT COUNT(*) FROM calendar_deliveries WHERE status = 'published'").fetchone()[0]
    store.close()
    order = sorted(range(len(lateness)), key=lateness.__getitem__)
    p99_cpu = console.cpu[order[round(0.99 * (len(order) - 1))]] - woke[0] if woke and order else float("nan")
    return lateness, duplicates, published, p99_cpu * 1000


class Calls:
    """Python function calls made on the thread that starts counting (the event loop's) while counting, and
    those of the console platform among them: work that the machine's load does not change, unlike the times.
    `on_this_thread` counts another thread's calls (the store's) into `other` until the same `stop`."""

    def __init__(self, profile: bool = True) -> None:
        self.profile = profile  # False: no count, only the CPU times (a profile would inflate them)
        self.total = 0
        self.console = 0
        self.other = 0
        self.counting = False
        self.other_clock: int | None = None  # the CPU clock of the other thread
        self.cpu_ms = self.other_cpu_ms = 0.0  # CPU time of this thread and of the other one while counting

    def start(self) -> None:
        self.counting = True
        self.cpu_ms, self.other_cpu_ms = time.thread_time() * 1000, self._other_cpu()
        if self.profile:
            sys.setprofile(self._count)

    def stop(self) -> None:
        if not self.counting:
            return
        self.counting = False
        sys.setprofile(None)
        self.cpu_ms = time.thread_time() * 1000 - self.cpu_ms
        self.other_cpu_ms = self._other_cpu() - self.other_cpu_ms

    def _other_cpu(self) -> float:
        return 0.0 if self.other_clock is None else time.clock_gettime(self.other_clock) * 1000

    def on_this_thread(self, _db: object = None) -> None:
        self.other_clock = time.pthread_getcpuclockid(threading.get_ident())
        if self.profile:
            sys.setprofile(self._count_other)

    def _count(self, frame: FrameType, event: str, _arg: object) -> None:
        if event == "call":
            self.total += 1
            if CONSOLE_CODE in frame.f_code.co_filename:
                self.console += 1

    def _count_other(self, _frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and self.counting:
            self.other += 1


class CountedConsole(ConsolePlatform):
    """The console platform, ending the count at the `count`-th scheduled post it is handed."""

    calls: Calls
    count: int
    seen = 0

    async def execute(self, action: Action) -> ActionResult:
        if isinstance(action, Post) and action.idempotency_key:
            self.seen += 1
            if self.seen == self.count:
                result = await super().execute(action)
                self.calls.stop()
                return result
        return await super().execute(action)


async def _counted_instant(folder: Path, count: int, profile: bool = True) -> tuple[Calls, int]:
    """The calls the event loop makes for `count` posts due at one instant, from the instant's wake-up to the
    last platform call (its posts read ahead before, as shipped), on a simulated clock, and those of the store's
    thread meanwhile; and the posts sent. Without `profile`, only the two threads' CPU times."""
    settings = Settings.model_validate({**SETTINGS, "bot": {"database": str(folder / f"counted-{profile}.db")}})
    store = Store.open(settings.bot.database)
    apply_all(store.db, [migrations])
    due = datetime(2030, 1, 7, 9, tzinfo=UTC)
    clock = SimulatedClock(due - timedelta(hours=1))
    console = CountedConsole("console", SimulatedClock(), CommandRegistry(), lambda: None, stdout=io.StringIO())
    console.calls, console.count = Calls(profile), count
    outbox = Outbox({console.name: console})
    publisher = Publisher(store, clock, outbox, Notices(outbox, Catalogue.shipped()), CommunityDirectory(settings),
                          lambda post_id, due: None)
    publisher.started_at = clock.now()
    author = Actor("console", "smm")
    ids = [create_post(store.db, PostDraft(community="bench", author=author, body=f"Post {index}",
                                           targets=(Target("console", "news"),), timezone="Europe/Paris",
                                           publish_at=due, utm=False), Status.SCHEDULED, clock.now())
           for index in range(count)]
    clock.set(due - READ_AHEAD)
    await publisher.read_ahead(ids, due)
    clock.set(due)
    await store.run(console.calls.on_this_thread)  # the store's thread counts too, from the same start
    gc.collect()  # no garbage of the set-up (or of another measure) collected inside the instant's figures
    console.calls.start()
    try:
        await publisher.run_posts(ids)
    finally:
        console.calls.stop()
    await store.run(lambda _db: sys.setprofile(None))
    store.close()
    return console.calls, console.seen


async def _counted_apscheduler(count: int) -> Calls:
    """The calls the event loop makes while APScheduler wakes `count` no-op jobs due at the same instant (from
    the last job added to the last one run; the loop is idle in between)."""
    scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.start()
    due = datetime.now(UTC) + timedelta(seconds=1)
    calls = Calls()
    woke = 0
    done = asyncio.Event()

    async def noop() -> None:
        nonlocal woke
        woke += 1
        if woke == count:
            calls.stop()
            done.set()

    for index in range(count):
        scheduler.add_job(noop, DateTrigger(run_date=due), id=f"noop:{index}", misfire_grace_time=3600)
    calls.start()
    try:
        await asyncio.wait_for(done.wait(), timeout=120)
    finally:
        calls.stop()
        scheduler.shutdown(wait=False)
    return calls


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _rebuild_fresh(path: str, pending: int, answer) -> None:
    """In a new process: RSS with the modules loaded, then the rebuild, then RSS again."""
    rss_before = _rss_mb()
    store = Store.open(Path(path))
    rebuild_s, woken, added = asyncio.run(_rebuild(store, SystemClock()))
    store.close()
    answer.send((rebuild_s, woken, added, rss_before, _rss_mb()))


def _lateness_fresh(folder: str, count: int, answer) -> None:
    """In a new process: cmbot's burst (the figures `_lateness` returns)."""
    answer.send(asyncio.run(_lateness(Path(folder), count)))


def _apscheduler_fresh(count: int, answer) -> None:
    """In a new process: APScheduler's no-op burst."""
    answer.send(asyncio.run(_apscheduler_noop(count)))


def _in_fresh_process(target, *args):
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=target, args=(*args, theirs))
    child.start()
    try:
        return ours.recv()
    finally:
        child.join(timeout=60)


async def _apscheduler_noop(count: int) -> list[float]:
    """The limit: APScheduler (the same settings as cmbot's) waking `count` no-op jobs due at the same second."""
    scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.start()
    due = (datetime.now(UTC) + SCHEDULED_AHEAD).replace(microsecond=0)
    woke: list[float] = []
    done = asyncio.Event()

    async def noop() -> None:
        woke.append(time.time())
        if len(woke) == count:
            done.set()

    for index in range(count):
        scheduler.add_job(noop, DateTrigger(run_date=due), id=f"noop:{index}", misfire_grace_time=3600)
    gc.collect()
    await asyncio.wait_for(done.wait(), timeout=120)
    scheduler.shutdown(wait=False)
    return [at - due.timestamp() for at in woke]


def run(options: ScenarioOptions) -> list[Measure]:
    pending = 1_000 if options.quick else 10_000
    due_together = 200 if options.quick else 1_000
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        store = Store.open(folder / "rebuild.db")
        apply_all(store.db, [migrations])
        _fill(store, pending, datetime.now(UTC) + timedelta(minutes=30))
        store.close()
        rebuild_s, woken, added, rss_before, rss_after = _in_fresh_process(_rebuild_fresh, str(folder / "rebuild.db"),
                                                                   pending)
        pairs = []
        for number in range(1 if options.quick else PAIRS):
            burst = folder / f"burst-{number}"
            burst.mkdir()
            pairs.append((_in_fresh_process(_lateness_fresh, str(burst), due_together),
                          _in_fresh_process(_apscheduler_fresh, due_together)))
        cpu, _ = asyncio.run(_counted_instant(folder, due_together, profile=False))
        counted, counted_sent = asyncio.run(_counted_instant(folder, due_together))
        limit_counted = asyncio.run(_counted_apscheduler(due_together))
        restart = restart_figures(folder, due_together)
    p99s, limit_p99s, ratios, p50s, limit_p50s, cpus, maxes = [], [], [], [], [], [], []
    published = duplicates = 0
    for (lateness, dup, sent, cpu_ms), limit in pairs:
        ms = [value * 1000 for value in lateness]
        limit_ms = [value * 1000 for value in limit]
        p99, limit_p99 = _percentile(ms, 0.99) if ms else float("nan"), _percentile(limit_ms, 0.99)
        p99s.append(p99)
        limit_p99s.append(limit_p99)
        ratios.append(p99 / limit_p99)
        p50s.append(statistics.median(ms) if ms else float("nan"))
        limit_p50s.append(statistics.median(limit_ms))
        maxes.append(max(ms) if ms else float("nan"))
        cpus.append(cpu_ms)
        published, duplicates = min(published, sent) if published else sent, duplicates + dup
    p99, limit_p99 = statistics.median(p99s), statistics.median(limit_p99s)
    note = (f"{due_together:,} posts due at the same second, console platform, APScheduler on the real clock; "
            f"median of {len(pairs)} bursts, each subject in a fresh process, in turn")
    pair_note = "pairs: " + ", ".join(f"{one:.2f}" for one in ratios)
    return [
        Measure(SCENARIO, "cmbot", f"rebuild {pending:,} pending posts", rebuild_s, "s", "< 2 s",
                f"{woken:,} posts in the coming hour woken by {added:,} APScheduler jobs, in a fresh process"),
        Measure(SCENARIO, "cmbot", "RSS added by the rebuild", rss_after - rss_before, "MB", "",
                f"fresh process: {rss_before:.0f} MB with the modules loaded, {rss_after:.0f} MB after"),
        Measure(SCENARIO, "cmbot", "lateness p50", statistics.median(p50s), "ms", "", note),
        Measure(SCENARIO, "cmbot", "lateness p99", p99, "ms"),
        Measure(SCENARIO, "cmbot", "lateness max", statistics.median(maxes), "ms"),
        Measure(SCENARIO, "cmbot", "process CPU time, wake-up to the p99 send", statistics.median(cpus), "ms", "",
                "both threads: close to the p99 itself when the burst is work, not waiting"),
        Measure(SCENARIO, "APScheduler, 1,000 no-op jobs (limit)", "lateness p50", statistics.median(limit_p50s),
                "ms", note="same second, same scheduler settings, same run"),
        Measure(SCENARIO, "APScheduler, 1,000 no-op jobs (limit)", "lateness p99", limit_p99, "ms"),
        Measure(SCENARIO, "cmbot p99 / APScheduler no-op p99", "ratio", statistics.median(ratios), "", "<= 2",
                pair_note),
        Measure(SCENARIO, "cmbot", "event-loop calls per post, wake-up to last send", counted.total / due_together,
                "calls", "", f"{counted.console / due_together:.1f} of them the console platform's; {counted_sent:,} "
                "posts, simulated clock, counted (the load does not change it)"),
        Measure(SCENARIO, "cmbot", "store-thread calls per post, wake-up to last send", counted.other / due_together,
                "calls", "", "the claims, beside the event loop (they share the interpreter lock)"),
        Measure(SCENARIO, "cmbot", "CPU time, wake-up to last send: event loop / store thread",
                f"{cpu.cpu_ms:.1f} / {cpu.other_cpu_ms:.1f}", "ms", "",
                "the same instant, not profiled: CPU time grows with the load far less than wall time"),
        Measure(SCENARIO, "APScheduler, 1,000 no-op jobs (limit)", "event-loop calls per job woken",
                limit_counted.total / due_together, "calls", "", "counted the same way"),
        Measure(SCENARIO, "cmbot calls per post / APScheduler calls per no-op job", "ratio",
                counted.total / limit_counted.total, ""),
        Measure(SCENARIO, "cmbot", "posts published, one process (fewest of the bursts)", float(published), "",
                f"= {due_together}"),
        Measure(SCENARIO, "cmbot", "duplicate sends, one process (all bursts)", float(duplicates), "", "0"),
        Measure(SCENARIO, "cmbot, across a restart", "posts that reached the platform", float(restart.delivered),
                "", f"= {due_together}", f"first process stopped after {restart.first:,} sends"),
        Measure(SCENARIO, "cmbot, across a restart", "deliveries published / uncertain (database)",
                f"{restart.published:,} / {restart.uncertain:,}", "", f"{due_together:,} / 0",
                "uncertain: interrupted between claim and send, left to the CMs"),
        Measure(SCENARIO, "cmbot, across a restart", "duplicate sends (both processes)", float(restart.duplicates),
                "", "0", f"{restart.sends:,} sends logged"),
        Measure(SCENARIO, "cmbot, across a restart", "deliveries published twice (database)",
                float(restart.twice), "", "0"),
    ]


if __name__ == "__main__":
    print(json.dumps([m.__dict__ for m in run(ScenarioOptions())], indent=2))
