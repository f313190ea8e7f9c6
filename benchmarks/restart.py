"""Exactly-once across a restart: 1,000 posts due together, the app stopped midway, a new process finishing.

Both processes run the calendar feature as shipped (start hook: settle interrupted sends, rebuild the jobs
from the store, catch up on what fell due) on the same database, with the console platform on the real clock.
Every send that reaches the platform is appended to a log file, flushed at once, so the count survives the
processes; the database's deliveries are counted afterwards. The console cannot look a message up after a
restart (no MESSAGE_LOOKUP), so a delivery interrupted between its claim and its send is left `uncertain` for
the CMs: the figures show how many.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.actions import Action, ActionResult, Post
from bot.app import App
from bot.clock import SimulatedClock, SystemClock
from bot.features.calendar import feature as calendar
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SchedulerWakeups
from config.settings import Settings
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, PostDraft, Target, create_post, stamp

SETTINGS = {
    "communities": [{"id": "bench", "name": "Bench", "locale": "en", "timezone": "Europe/Paris",
                     "console": {"space_id": "console", "channels": {"strategy": "strategy"}}}],
}
FIRST_STOPS_AFTER = 300


@dataclass(frozen=True)
class RestartFigures:
    first: int  # sends made by the first process before it stopped
    sends: int
    duplicates: int  # sends beyond one per idempotency key, over both processes
    delivered: int  # distinct posts that reached the platform
    published: int  # deliveries marked published, in the database
    uncertain: int  # deliveries the restart could not settle (left to the CMs), in the database
    twice: int  # (post, target, occurrence) published more than once, in the database


class LoggedConsole(ConsolePlatform):
    """The console platform, appending the idempotency key of every scheduled post it receives to a file."""

    log_path: Path
    sent = 0
    enough: asyncio.Event
    stop_after: int | None = None

    async def execute(self, action: Action) -> ActionResult:
        result = await super().execute(action)
        if isinstance(action, Post) and action.idempotency_key and result.ok:
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(action.idempotency_key + "\n")
            self.sent += 1
            if self.stop_after is not None and self.sent >= self.stop_after:
                self.enough.set()
            await asyncio.sleep(0)  # a real platform call yields to the loop: the stop can come between two sends
        return result


def _settings(database: Path) -> Settings:
    return Settings.model_validate({**SETTINGS, "bot": {"database": str(database)}})


def _published(db) -> int:
    return db.execute("SELECT COUNT(*) FROM calendar_posts WHERE status = 'published'").fetchone()[0]


async def _phase(database: Path, log_path: Path, count: int, stop_after: int | None) -> int:
    settings = _settings(database)
    store = Store.open(database)
    if stop_after is not None:  # the posts fall due two seconds from now, all in the same second
        due = stamp((datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0))
        with store.db.conn:
            store.db.execute("UPDATE calendar_posts SET publish_at = ?, next_due_at = ?", [due, due])
    app = App(settings, store, SystemClock(), SchedulerWakeups(), features=[calendar])
    console = LoggedConsole("console", SimulatedClock(), app.services.commands, lambda: None,
                            stdin=io.StringIO(), stdout=io.StringIO())
    console.log_path, console.enough, console.stop_after = log_path, asyncio.Event(), stop_after
    app.attach([console])
    await app.start()
    if stop_after is not None:
        await asyncio.wait_for(console.enough.wait(), timeout=120)
    else:
        deadline = asyncio.get_running_loop().time() + 120
        while await store.run(_published) < count and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
    await app.stop()
    return console.sent


def _run_phase(database: str, log_path: str, count: int, stop_after: int | None, answer) -> None:
    answer.send(asyncio.run(_phase(Path(database), Path(log_path), count, stop_after)))


def _in_process(*args) -> int:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_run_phase, args=(*args, theirs))
    child.start()
    try:
        return ours.recv()
    finally:
        child.join(timeout=60)


def restart_figures(folder: Path, count: int) -> RestartFigures:
    database, log_path = folder / "restart.db", folder / "sends.log"
    store = Store.open(database)
    App(_settings(database), store, SystemClock(), SchedulerWakeups(), features=[calendar])  # migrations only
    later = datetime.now(UTC) + timedelta(hours=1)
    for index in range(count):
        draft = PostDraft(community="bench", author=Actor("console", "smm"), body=f"Post {index}",
                          targets=(Target("console", "news"),), timezone="Europe/Paris", publish_at=later, utm=False)
        create_post(store.db, draft, Status.SCHEDULED, datetime.now(UTC))
    store.close()
    first = _in_process(str(database), str(log_path), count, min(FIRST_STOPS_AFTER, count // 3))
    _in_process(str(database), str(log_path), count, None)
    keys = log_path.read_text(encoding="utf-8").split() if log_path.exists() else []
    store = Store.open(database)
    statuses = dict(store.db.execute("SELECT status, COUNT(*) FROM calendar_deliveries GROUP BY status").fetchall())
    twice = store.db.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM calendar_deliveries WHERE status = 'published'"
        " GROUP BY post_id, platform, channel_id, due_at HAVING COUNT(*) > 1)").fetchone()[0]
    store.close()
    duplicates = sum(n - 1 for n in Counter(keys).values())
    return RestartFigures(first, len(keys), duplicates, len(set(keys)), statuses.get("published", 0),
                          statuses.get("uncertain", 0), twice)
