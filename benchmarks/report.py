"""The weekly report over a year of activity, beside a true week-range scan of the same rows, at two sizes.

A synthetic community (100,000 members; skewed activity: a few members do most of the talking, as in real
communities; see `report_data`) with a year of events: 1 million by default, and also 10 million with
`--large` (minutes: building the database and the first report dominate), then the growth from one to the
other. The ambassadors feature is installed too, with twenty appointed ambassadors (its figures are part of
the report). As in production, last week's report exists (the first one ever, which
builds its roll-ups from the raw rows, is timed too) and the nightly roll-up ran; we time this week's report.

Baseline: what reading the week straight from the events table costs: counts and distinct members by platform
and kind, over the week's time range, through the events index (`community, kind, at`), every kind listed so
the range applies (`SEARCH … (community=? AND kind=? AND at>? AND at<?)`; the query plan is checked and shown).
A whole-table `GROUP BY` is shown for scale only. Goals: the report at most half the week scan, and flat
from 1 million to 10 million events: the growth, shown when both sizes ran, at most 1.15 (the one part of the
report that reads raw rows is the replies since the last nightly roll-up, a few hours of the log, which grow with
the community's rate; everything else reads roll-ups).

Times are CPU seconds of this process (SQLite runs in the calling thread here): on a shared machine the wall
clock mostly measures the neighbours, while the CPU time is the work done. The warm report takes milliseconds,
so one timing of it is mostly noise: the report is built `PASSES` times and the median pass is kept, and so is
the week scan (a pass that pays for reading pages into the cache is one of nine);
the spread of the report's passes is shown beside it. The growth alternates the two sizes, pass after pass, and
keeps the median of each. Beside the times, SQLite's virtual-machine instructions per report are counted (rows
and index entries visited), which the machine's load does not move: the report's work at each size, and its
growth.

Left out: rendering and sending the cards (the `pipeline` scenario runs Monday's report on the console), and
the Slack and Discord calls.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import Measure, ScenarioOptions
from benchmarks.report_data import fill
from bot.features.ambassadors import feature as ambassadors_feature
from bot.features.engagement import feature
from bot.store import Store
from bot.store.migrations import apply_all
from config.loader import load_settings
from handlers.ambassadors import records
from handlers.engagement.migrations import EVENTS
from schedules.engagement.upkeep import roll_up_recent
from schedules.report.builder import build_report
from schedules.report.weeks import IsoWeek

SCENARIO = "report"
PASSES = 9  # of the warm report and of the week scan: the median pass is the figure
GROWTH_PASSES = 31  # alternating passes of the two sizes for the growth: a pass is milliseconds, the spread is not
STEP = 100  # SQLite's progress handler is called every STEP virtual-machine instructions
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KINDS = ("message", "reply", "reaction", "join", "leave")
WEEK_SCAN = (
    f"SELECT platform, kind, count(*), count(DISTINCT member_id) FROM {EVENTS}"
    f" WHERE community = 'demo' AND kind IN ({', '.join(repr(k) for k in KINDS)}) AND at >= ? AND at < ?"
    " GROUP BY platform, kind"
)


def _report_times(folder: Path, members: int, events: int) -> tuple[dict, Store, Callable[[], object]]:
    """The figures of one size, the store (left open) and this week's report as a callable, for the growth's
    alternating passes."""
    settings = load_settings(None)
    community = settings.communities[0]
    now = NOW
    store = Store.open(folder / "year.db")
    apply_all(store.db, [feature.migrations, ambassadors_feature.migrations])
    started = time.perf_counter()
    fill(store.db, members, events, now)
    figures: dict[str, Any] = {"load_s": time.perf_counter() - started}
    _appoint(store.db, community.id, now)
    week = IsoWeek.last_complete(now, community.tz)
    last_monday = now - timedelta(days=7)
    started = time.process_time()
    build_report(store.db, community, week.shift(-1), last_monday)  # a first report: builds its roll-ups
    figures["cold_s"] = time.process_time() - started
    started = time.process_time()
    roll_up_recent(store.db, community, now - timedelta(hours=5))  # the night before this report
    figures["nightly_s"] = time.process_time() - started
    started = time.process_time()
    report = build_report(store.db, community, week, now)  # the first pass after the night: it counts too
    warm = [time.process_time() - started, *_passes(lambda: build_report(store.db, community, week, now), PASSES - 1)]
    figures["warm_s"] = statistics.median(warm)
    figures["warm_spread"] = f"passes {min(warm) * 1000:.1f}–{max(warm) * 1000:.1f} ms"
    start, end = week.epoch_bounds(community.tz)
    started = time.process_time()
    store.db.execute(f"SELECT platform, kind, count(*) FROM {EVENTS} GROUP BY platform, kind").fetchall()
    figures["scan_all_s"] = time.process_time() - started
    figures["plan"] = _week_scan_plan(store.db, start, end)
    figures["scan_week_s"] = statistics.median(
        _passes(lambda: store.db.execute(WEEK_SCAN, [start, end]).fetchall(), PASSES))
    figures["active"] = float(report.overall.numbers["active_members"] or 0)
    figures["vm_steps"] = _vm_steps(store.db, lambda: build_report(store.db, community, week, now))
    return figures, store, lambda: build_report(store.db, community, week, now)


def _passes(work: Callable[[], object], count: int) -> list[float]:
    """CPU seconds of each of `count` runs of `work`."""
    times = []
    for _ in range(count):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return times


def _vm_steps(db, work: Callable[[], object]) -> int:
    """The virtual-machine instructions SQLite runs for `work` (to within STEP): the rows and index entries it
    visits and compares, which the machine's load does not move. Page reads and B-tree descents are not counted
    (they happen inside an instruction)."""
    count = 0

    def counted() -> int:
        nonlocal count
        count += 1
        return 0

    db.conn.set_progress_handler(counted, STEP)
    try:
        work()
    finally:
        db.conn.set_progress_handler(None, STEP)
    return count * STEP


def _appoint(db, community: str, now: datetime) -> None:
    """Twenty of the most active members appointed ambassadors over the last two months (one removed since), so
    the report's ambassadors' figures have accounts to follow."""
    for rank in range(0, 40, 2):
        account = ("slack" if rank % 3 == 0 else "discord", f"u{rank}")
        records.appoint(db, community, [account], ("discord", "cm"), now - timedelta(days=60 - rank))
    records.remove(db, community, [("discord", "u2")], ("discord", "cm"), now - timedelta(days=10))


def _week_scan_plan(db, start: int, end: int) -> str:
    plan = db.execute(f"EXPLAIN QUERY PLAN {WEEK_SCAN}", [start, end]).fetchall()
    return str(plan[0][-1]) if plan else "no plan"


def _size(figures: dict, members: int, events: int) -> list[Measure]:
    size = f"{events / 1e6:g}M events"
    ratio = figures["warm_s"] / figures["scan_week_s"]
    return [
        Measure(SCENARIO, f"{size}: weekly report (after the nightly roll-up)", "time", figures["warm_s"], "s",
                note=f"{members:,} members, {events:,} events over a year; median of {PASSES}"
                f" ({figures['warm_spread']})"),
        Measure(SCENARIO, f"{size}: week-range scan of the events index (baseline)", "time",
                figures["scan_week_s"], "s", note=f"median of {PASSES}; {figures['plan']}"),
        Measure(SCENARIO, f"{size}: report / week-range scan", "ratio", ratio, "", "<= 0.5"),
        Measure(SCENARIO, f"{size}: SQLite VM instructions per report (counted)", "work", figures["vm_steps"],
                "steps", note=f"to within {STEP}; load-proof, page reads not counted"),
        Measure(SCENARIO, f"{size}: nightly roll-up", "time", figures["nightly_s"], "s",
                note="the 8 days and 2 weeks before, from raw rows"),
        Measure(SCENARIO, f"{size}: first report ever (roll-ups built now)", "time", figures["cold_s"], "s",
                note="roll-ups built from raw rows"),
        Measure(SCENARIO, f"{size}: whole-table GROUP BY (scale only)", "time", figures["scan_all_s"], "s"),
        Measure(SCENARIO, f"{size}: building the synthetic database (wall clock)", "time", figures["load_s"], "s"),
    ]


def run(options: ScenarioOptions) -> list[Measure]:
    members = 10_000 if options.quick else 100_000
    sizes = [100_000] if options.quick else [1_000_000, 10_000_000] if options.large else [1_000_000]
    measures: list[Measure] = []
    reports: dict[int, Callable[[], object]] = {}
    steps: dict[int, float] = {}
    with contextlib.ExitStack() as kept:
        for events in sizes:
            folder = Path(kept.enter_context(tempfile.TemporaryDirectory()))
            figures, store, report = _report_times(folder, members, events)
            kept.callback(store.close)
            reports[events] = report
            steps[events] = figures["vm_steps"]
            measures += _size(figures, members, events)
        if len(reports) == 2:
            measures.append(_growth(*(reports[events] for events in sorted(reports))))
            small, large = (steps[events] for events in sorted(steps))
            measures.append(Measure(SCENARIO, "SQLite VM instructions per report, 10M / 1M events", "growth",
                                    large / small, "", note=f"counted: {small:,.0f} and {large:,.0f}"))
    return measures


def _growth(small: Callable[[], object], large: Callable[[], object]) -> Measure:
    """The report at 10M over the report at 1M, from passes that alternate between the two databases: the
    machine's load when each size was built and timed above moves the two sizes' own lines, while alternating
    puts both under the same conditions, pass after pass."""
    small_times: list[float] = []
    large_times: list[float] = []
    for _ in range(GROWTH_PASSES):
        small_times += _passes(small, 1)
        large_times += _passes(large, 1)
    small_s, large_s = statistics.median(small_times), statistics.median(large_times)
    return Measure(SCENARIO, "weekly report, 10M / 1M events", "growth", large_s / small_s, "", "flat (<= 1.15)",
                   note=f"alternating passes, median of {GROWTH_PASSES} each: {small_s * 1e3:.1f} and"
                   f" {large_s * 1e3:.1f} ms")
