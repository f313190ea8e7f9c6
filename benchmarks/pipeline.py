"""The whole bot, end to end: every shipped feature with the default config, beside the bare runtime.

Console (one run): the same realistic stream (see `benchmarks.stream`: joins and leaves,
messages, replies, reactions, time moving at two events per simulated second: 50,000 events are seven hours
from 02:00 UTC on a Monday, so the nightly purges and Monday's weekly report run on the way) is played through
the console platform twice, once by the app with every shipped feature installed and once with no feature at
all (the runtime alone: parsing, events, community resolution, the middleware, the dispatcher). Both include
the final flush. Two streams: synthetic clean sentences, and real everyday tweets (Davidson "neither"), of
which a few percent are flagged; the latter is skipped, with a note, when the data folder is absent. The ratio
of each to the no-feature run is its figure. Each subject plays its stream `PASSES` times, the subjects taking
turns (no feature, whole bot, every feature but moderation, no feature, ...), each pass in a fresh process
(`benchmarks.isolated`: a later subject no longer inherits the whole bot's models and garbage), on a fresh
database, after the same unmeasured warm-up and a full garbage collection; its figure is the CPU time of its own
process (all threads). A subject's figure is its median pass, so one pass slowed by a neighbour on a shared
machine does not decide the ratio; the passes' own ratios are given beside it. The synthetic stream's third
subject, every feature but moderation, is a diagnosis without a goal: how much of the whole bot's cost is the
rules' and models'.

Discord (see `benchmarks.gateway`): the same stream through the local Discord fake's gateway, in a separate
process, to real discord.py, each subject in a fresh process too: cmbot's added CPU per event beside what a bare
discord.py client spends on the same stream.

Left out: Slack (its adapter is measured by its tests at the wire, not here), slash commands and buttons
(rare next to messages), and the network: the fake runs on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gc
import io
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from statistics import median, quantiles

from benchmarks.calls import CALLS_EVENTS, console_calls
from benchmarks.flag_clocks import Clocks, ThreadClocks, per_message
from benchmarks.harness import Measure, ScenarioOptions
from benchmarks.isolated import in_fresh_process
from benchmarks.stream import Happening, counted, happenings, offensive_texts, one_line, real_texts, synthetic_texts
from bot.app import App
from bot.clock import SimulatedClock
from bot.platforms.console import ConsolePlatform
from bot.platforms.console.community import BOT_NAME
from bot.store import Store
from bot.wakeups import SteppedWakeups
from bot.wiring import Feature
from config.loader import load_settings

SCENARIO = "pipeline"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday night: the 03:xx purges and the 09:00 report fall due
WHOLE_GOAL, REAL_GOAL = ">= 0.6", ">= 0.4"
TICK_EVERY, TICK_SECONDS = 20, 10  # two events per simulated second
WARMUP_EVENTS = 1_000  # played first, unmeasured, by every subject of a stream (see `play_console`)
PASSES = 5  # passes of each subject, taking turns; the median pass is the subject's figure (one with --quick)
WARMUP_MESSAGES = 50  # clean, then as many offensive, before the flag path's blocks
FLAG_ROUNDS = 10  # rounds of the flag path's blocks in one run (each kind's messages split among them)
FLAG_BLOCKS = ("clean", "tweet", "flagged")  # a round's blocks, in this order or the reverse


@dataclass(frozen=True)
class ConsoleRun:
    events: int
    seconds: float
    cpu_seconds: float
    flagged: int
    messages: int
    laps: tuple[tuple[float, int], ...] = ()  # (CPU seconds, flags so far) noted at each index of `laps`
    trips: int = 0  # store trips (`Store.run`) over the measured events, final flush included
    tasks: int = 0  # asyncio tasks created over the same

    def work(self) -> str:
        """The counted work per event, which the machine's load does not move."""
        return f"per event: {self.trips / self.events:.3f} store trips, {self.tasks / self.events:.4f} tasks"

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def median_run(runs: list[ConsoleRun]) -> ConsoleRun:
    """The pass whose CPU time is the median (the lower middle of an even count)."""
    ordered = sorted(runs, key=lambda run: run.cpu_seconds)
    return ordered[(len(ordered) - 1) // 2]


def spread(runs: list[ConsoleRun]) -> str:
    """The passes' CPU times, lowest to highest, for the notes."""
    if len(runs) < 2:
        return "one pass"
    times = sorted(run.cpu_seconds for run in runs)
    return f"median of {len(runs)} passes, CPU {times[0]:.1f}–{times[-1]:.1f} s"


def stream_of(count: int, texts: list[str]) -> list[Happening]:
    return list(happenings(count, texts, tick_every=TICK_EVERY, tick_seconds=TICK_SECONDS))


async def play_console(stream: list[Happening], folder: Path, features: list[Feature] | None,
                       warmup: int = 0, laps: frozenset[int] = frozenset(),
                       on_lap: Callable[[], object] | None = None, count_work: bool = True) -> ConsoleRun:
    """Play `stream` through the console; `features` None means every shipped feature, [] none.

    The first `warmup` happenings are played before the measure starts, for every subject alike: what a bot
    does once (building the rule engines, loading the models, importing what a first flag needs) is not what
    each event costs. The figures count the rest only. Before each happening whose index is in `laps` (and at
    the end, after the final flush), the buffered writes are flushed (the engagement rows, the card references:
    otherwise the clean blocks' rows, which no trip of theirs carries, are written by the next flag's trip or
    the flush timer that only a flagged block's waits let run, on the flagged block's account), then the CPU
    used and the flags raised so far are noted, after `on_lap` is called (the instruction counts mark their
    blocks with it). `count_work` counts the store trips and tasks (`_count_work`: a wrapper and a task factory
    the bot itself does not have, paid for by the events that make trips or tasks only; the flag part, which
    does not report the counts, leaves them out)."""
    from bot.features import shipped_features

    settings = load_settings(None)
    database = folder / f"pipeline-{time.monotonic_ns()}.db"
    settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": database})})
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(database), clock, wakeups,
              features=shipped_features() if features is None else features)
    sink = io.StringIO()
    community = settings.communities[0]
    console = ConsolePlatform(community.console.space_id, clock, app.services.commands, wakeups.run_due,
                              stdin=io.StringIO(), stdout=sink, timezone_name=community.timezone,
                              advance_clock=wakeups.advance_to)
    app.attach([console])
    await app.start()
    counts = _count_work(app.services.store) if count_work else Counter[str]()
    posted: list[str] = []  # the console id of each member message, in posting order
    messages = console.community.messages
    started = cpu_started = 0.0
    flagged_before = 0
    noted: list[tuple[float, int]] = []
    for index, happening in enumerate(stream):
        if index in laps:
            await app.services.flush_pending()  # what the block before buffered is written on its account
            if on_lap is not None:
                on_lap()
            noted.append((time.process_time(), _flags(app.services.store)))
        if index == warmup:
            flagged_before = _flags(app.services.store)
            gc.collect()  # every subject starts its measure with the warm-up's garbage gone
            counts.clear()
            started, cpu_started = time.perf_counter(), time.process_time()
        verb = happening.verb
        if verb == "tick":
            line = f"clock +{happening.seconds}s\n"
        elif verb == "say":
            line = f"say {happening.member} #{happening.channel} {one_line(happening.text)}\n"
        elif verb == "reply":
            line = f"reply {happening.member} {_alive(posted, happening.target, messages)} {one_line(happening.text)}\n"
        elif verb == "react":
            line = f"react {happening.member} {_alive(posted, happening.target, messages)} {happening.text}\n"
        else:
            line = f"{verb} {happening.member}\n"
        await console.feed(line)
        if verb in ("say", "reply"):
            posted.append(_last_member_message(messages))
        if sink.tell() > 1_000_000:
            sink.seek(0)
            sink.truncate()
    for hook in reversed(app.services.stop_hooks):  # the final flush is part of the work
        await hook()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    work = dict(counts)
    app.services.stop_hooks.clear()
    flagged = _flags(app.services.store) - flagged_before
    if laps:
        if on_lap is not None:
            on_lap()
        noted.append((time.process_time(), flagged + flagged_before))
    await app.stop()
    measured = stream[warmup:]
    return ConsoleRun(counted(measured), seconds, cpu, flagged, sum(1 for h in measured if h.verb in ("say", "reply")),
                      tuple(noted), work.get("trips", 0), work.get("tasks", 0))


def _count_work(store: Store) -> Counter[str]:
    """Count the store's trips and the tasks the loop creates from now on (a wrapper and a task factory: a
    microsecond or so each, on a few percent of the events)."""
    counts: Counter[str] = Counter()
    run = store.run

    async def counted_run(fn):  # type: ignore[no-untyped-def]
        counts["trips"] += 1
        return await run(fn)

    def factory(loop, coro, **kwargs):  # type: ignore[no-untyped-def]
        counts["tasks"] += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    store.run = counted_run  # type: ignore[method-assign]
    asyncio.get_running_loop().set_task_factory(factory)
    return counts


def _flags(store: Store) -> int:
    if "moderation_flags" not in store.db.table_names():
        return 0
    return store.db.execute("SELECT COUNT(*) FROM moderation_flags WHERE source = 'rules'").fetchone()[0]


def _alive(posted: list[str], target: int, messages) -> str:
    """The id of the message a reply or reaction aims at; the latest one if that one was deleted (a member
    cannot answer a message the bot took down)."""
    message_id = posted[min(target, len(posted) - 1)]
    found = messages.get(message_id)
    if found is not None and not found.deleted:
        return message_id
    for candidate in reversed(posted):
        found = messages.get(candidate)
        if found is not None and not found.deleted:
            return candidate
    return message_id


def _last_member_message(messages) -> str:
    for message_id in reversed(messages):
        if messages[message_id].author != BOT_NAME:
            return message_id
    raise LookupError("no member message")


SUBJECTS = ("none", "every", "but moderation")  # a pass's subjects, in the order they take turns


def subject_features(subject: str) -> list[Feature] | None:
    """The features of a console subject: "every" shipped feature (None), "none", or all "but moderation"."""
    from bot.features import shipped_features

    if subject == "every":
        return None
    return [] if subject == "none" else [f for f in shipped_features() if f.name != "moderation"]


def console_pass(label: str, count: int, data_dir: str, folder: str, subject: str) -> ConsoleRun:
    """One subject's pass over one stream, meant to run in a fresh process (`benchmarks.isolated`): it builds
    the stream itself (the same one in every process: the texts and the mix are seeded) and plays it after the
    same warm-up as every other subject."""
    texts = synthetic_texts() if label == "synthetic" else real_texts(Path(data_dir))
    if texts is None:
        raise FileNotFoundError(f"no Davidson set under {data_dir}/moderation")
    return asyncio.run(play_console(stream_of(count + WARMUP_EVENTS, texts), Path(folder), subject_features(subject),
                                    WARMUP_EVENTS))


def _console_measures(count: int, data_dir: Path, folder: Path, passes: int = PASSES) -> list[Measure]:
    measures: list[Measure] = []
    streams = [("synthetic", WHOLE_GOAL)]
    if real_texts(data_dir) is None:
        measures.append(Measure(SCENARIO, "console, real texts", "skipped", "n/a",
                                note=f"no Davidson set under {data_dir}/moderation"))
    else:
        streams.append(("real texts", REAL_GOAL))
    for label, goal in streams:
        chosen = SUBJECTS if label == "synthetic" else SUBJECTS[:2]  # the diagnosis on the synthetic stream only
        runs: dict[str, list[ConsoleRun]] = {subject: [] for subject in chosen}
        for _ in range(passes):  # taking turns, so a busy minute on a shared machine falls on every subject
            for subject in chosen:
                runs[subject].append(in_fresh_process(console_pass, label, count, str(data_dir), str(folder),
                                                      subject))
        bare_runs, whole_runs = runs["none"], runs["every"]
        bare, whole = median_run(bare_runs), median_run(whole_runs)
        hours = (count + WARMUP_EVENTS) / TICK_EVERY * TICK_SECONDS / 3600  # every event, the warm-up's too
        measures += [
            Measure(SCENARIO, f"console, {label}: runtime, no feature (baseline)", "throughput", bare.rate,
                    "events/s", note=f"{bare.events:,} events over {hours:.0f} simulated hours, final flush included;"
                                     f" {spread(bare_runs)}; {bare.work()}"),
            Measure(SCENARIO, f"console, {label}: whole bot, every feature, default config", "throughput",
                    whole.rate, "events/s",
                    note=f"{whole.flagged:,} of {whole.messages:,} messages flagged "
                         f"({100 * whole.flagged / max(1, whole.messages):.1f} %); {spread(whole_runs)}; "
                         f"{whole.work()}"),
            Measure(SCENARIO, f"console, {label}: whole bot / no feature", "ratio",
                    bare.cpu_seconds / whole.cpu_seconds, "", goal,
                    note="events per CPU-second of each subject's own process (all its threads), median passes;"
                         f" {pass_ratios(bare_runs, whole_runs)}; on a shared machine the wall clock mostly "
                         "measures the neighbours"),
            Measure(SCENARIO, f"console, {label}: whole bot / no feature, wall clock", "ratio",
                    median_rate(whole_runs) / median_rate(bare_runs), "",
                    note="events per second, median passes; no goal: waits on the store thread included"),
        ]
        if label == "synthetic":
            counted_events = min(count, CALLS_EVENTS)
            calls = [in_fresh_process(console_calls, label, counted_events, str(data_dir), str(folder), subject)
                     for subject in ("none", "but moderation", "every")]
            measures.append(Measure(
                SCENARIO, "console, synthetic: function calls per event, no feature / but moderation / whole bot "
                          "(counted)", "calls", " / ".join(f"{figure:.1f}" for figure in calls), "",
                note=f"counted by cProfile over {counted_events:,} events after the same warm-up, one pass each in a "
                     "process of its own (`benchmarks.calls`): the load does not move it"))
        if "but moderation" in runs:
            others = median_run(runs["but moderation"])
            measures.append(Measure(
                SCENARIO, "console, synthetic: every feature but moderation / no feature (diagnosis)", "ratio",
                bare.cpu_seconds / others.cpu_seconds, "",
                note=f"events per CPU-second; no goal: says how much of the whole bot's cost is moderation's; "
                     f"{spread(runs['but moderation'])}; {pass_ratios(bare_runs, runs['but moderation'])}; "
                     f"{others.work()}"))
    return measures


def pass_ratios(bare_runs: list[ConsoleRun], runs: list[ConsoleRun]) -> str:
    """Each pass's ratio (its no-feature CPU over the subject's), lowest to highest: the figure's company."""
    if len(runs) < 2:
        return "one pass"
    ratios = sorted(bare.cpu_seconds / run.cpu_seconds for bare, run in zip(bare_runs, runs, strict=True))
    return f"passes' own ratios {ratios[0]:.3f}–{ratios[-1]:.3f}"


def median_rate(runs: list[ConsoleRun]) -> float:
    rates = sorted(run.rate for run in runs)
    return rates[(len(rates) - 1) // 2]


@dataclass(frozen=True)
class FlagStream:
    """The flag part's stream: the warm-up, then rounds of blocks of `size` messages, each block of one kind."""

    happenings: list[Happening]
    warmup: int
    size: int
    order: tuple[str, ...]  # each block's kind, in playing order

    @property
    def starts(self) -> frozenset[int]:
        return frozenset(self.warmup + block * self.size for block in range(len(self.order)))


def flag_stream(count: int, data_dir: Path, rounds: int = FLAG_ROUNDS) -> FlagStream | None:
    """`rounds` rounds of three blocks of `count // rounds` messages each: clean sentences, clean everyday tweets
    and offensive tweets, the order turned round every other round (so neither clean kind always sits beside
    the flagged block), one member per message so no flood rule is involved; None without the data set."""
    bad, tweets = offensive_texts(data_dir), real_texts(data_dir)
    if bad is None or tweets is None:
        return None
    size = count // rounds
    kinds = {"clean": synthetic_texts(size * rounds), "tweet": tweets[: size * rounds],
             "flagged": bad[: size * rounds]}
    stream = [Happening("say", member=f"early{i}", channel="general", text=text)
              for i, text in enumerate(kinds["clean"][:WARMUP_MESSAGES] + bad[-WARMUP_MESSAGES:])]
    warmup = len(stream)
    order: list[str] = []
    for turn in range(rounds):
        for kind in FLAG_BLOCKS if turn % 2 == 0 else FLAG_BLOCKS[::-1]:
            order.append(kind)
            stream += [Happening("say", member=f"{kind}{turn}-{i}", channel="general", text=text)
                       for i, text in enumerate(kinds[kind][turn * size:(turn + 1) * size])]
    return FlagStream(stream, warmup, size, tuple(order))


def _flag_cost(count: int, data_dir: Path, folder: Path, rounds: int = FLAG_ROUNDS) -> list[Measure]:
    """CPU per message of blocks where (nearly) every message is flagged, beside blocks where (nearly) none is:
    the flag path (store, automatic action, card, alerts) against the clean path, whole bot (`flag_stream`).

    One bot plays the whole stream, so every kind sees the same warm process, the same database as it grows and
    the same neighbours on a shared machine. Each round gives a ratio of each clean kind to its flagged block;
    the figure is the median of the rounds, with the middle half and the extremes in the note. The clean
    sentences are the goal's baseline (as in the issue); the clean tweets, texts of the same kind and length as
    the offensive ones, tell the flag's own cost from the rules' longer read. Every block's CPU includes
    everything it caused: the store's thread, the card, the console printing it; the last block's ends with
    the final flush."""
    played = flag_stream(count, data_dir, rounds)
    if played is None:
        return [Measure(SCENARIO, "flagged vs clean message", "skipped", "n/a",
                        note=f"no Davidson set under {data_dir}/moderation")]
    clocks = ThreadClocks()
    laps = asyncio.run(play_console(played.happenings, folder, None, played.warmup, laps=played.starts,
                                    on_lap=clocks.note, count_work=False)).laps
    blocks = [(end[0] - begin[0], end[1] - begin[1]) for begin, end in pairwise(laps)]  # (CPU s, flags) each
    return flag_figures(blocks, played, "CPU per message", "µs", 1e6) + thread_figures(clocks, played, blocks)


def thread_figures(clocks: ThreadClocks, played: FlagStream, blocks: list[tuple[float, int]]) -> list[Measure]:
    """The diagnosis beside the ratio (`benchmarks.flag_clocks`): where a flagged message's CPU goes, by thread,
    and how often its threads wait or are preempted, each against a clean sentence's."""
    flags = [n for _, n in blocks]

    def read(reading: Callable[[Clocks], float], scale: float = 1e6) -> tuple[float, float]:
        return per_message(clocks, played.order, flags, played.size, _pair, reading, scale)

    lines = [("the loop's thread", read(lambda c: c.loop)), ("the store's thread", read(lambda c: c.store)),
             ("the kernel, every thread", read(lambda c: c.kernel))]
    measures = [Measure(SCENARIO, f"console, whole bot: flagged message, {where} (diagnosis)", "CPU per message",
                        flagged, "µs", note=f"a clean sentence: {clean:,.0f} µs; read by that thread's own clock"
                        if where != "the kernel, every thread" else f"a clean sentence: {clean:,.0f} µs; "
                        "the process's system time (within the CPU figure)")
                for where, (clean, flagged) in lines]
    (calm_waits, waits), (calm_preempted, preempted) = read(lambda c: c.switches, 1.0), read(lambda c: c.preempted, 1.0)
    measures.append(Measure(SCENARIO, "console, whole bot: flagged message, context switches (diagnosis)",
                            "switches per message", waits + preempted, "",
                            note=f"{waits:.1f} waits and {preempted:.1f} preemptions (a clean sentence: "
                                 f"{calm_waits:.2f} and {calm_preempted:.2f})"))
    return measures


def flag_figures(blocks: list[tuple[float, int]], played: FlagStream, metric: str, unit: str,
                 scale: float) -> list[Measure]:
    """The flag part's lines from each block's (work, flags), work being CPU seconds or instructions."""
    rounds, size = len(played.order) // len(FLAG_BLOCKS), played.size
    by_round = [dict(zip(played.order[turn * 3:turn * 3 + 3], blocks[turn * 3:turn * 3 + 3], strict=True))
                for turn in range(rounds)]
    clean = [_pair(turn["clean"], turn["flagged"], size, scale) for turn in by_round]
    tweet = [_pair(turn["tweet"], turn["flagged"], size, scale) for turn in by_round]
    flags = {kind: sum(turn[kind][1] for turn in by_round) for kind in FLAG_BLOCKS}
    total = size * rounds
    return [
        Measure(SCENARIO, "console, whole bot: clean message", metric, median(p[0] for p in clean), unit,
                note=f"{total:,} synthetic sentences in {rounds} blocks, one member each ({flags['clean']:,} flagged:"
                     f" their flag path taken out); {WARMUP_MESSAGES * 2} warm-up messages first; median of blocks"),
        Measure(SCENARIO, "console, whole bot: clean everyday tweet (diagnosis)", metric,
                median(p[0] for p in tweet), unit,
                note=f"{total:,} Davidson 'neither' tweets in {rounds} blocks ({flags['tweet']:,} flagged: taken out)"),
        Measure(SCENARIO, "console, whole bot: flagged message", metric, median(p[1] for p in clean), unit,
                note=f"{flags['flagged']:,} of {total:,} offensive tweets flagged, in {rounds} blocks among the clean"
                     " ones; the clean cost plus each flag's extra; median of the blocks"),
        Measure(SCENARIO, "flagged / clean message", "ratio", median(p[1] / p[0] for p in clean), "", "<= 5",
                note=f"one run, {spread_of([p[1] / p[0] for p in clean])}"),
        Measure(SCENARIO, "flagged / clean everyday tweet (diagnosis)", "ratio", median(p[1] / p[0] for p in tweet),
                "", note=f"no goal: the flag's own cost, texts alike; {spread_of([p[1] / p[0] for p in tweet])}"),
    ]


def spread_of(ratios: list[float]) -> str:
    """The median's company: how many rounds, their middle half and their extremes."""
    ordered = sorted(ratios)
    if len(ordered) < 4:
        return f"median of {len(ordered)} rounds ({ordered[0]:.2f}–{ordered[-1]:.2f})"
    low, _, high = quantiles(ordered, n=4)
    return (f"median of {len(ordered)} rounds, middle half {low:.2f}–{high:.2f}, "
            f"all {ordered[0]:.2f}–{ordered[-1]:.2f}")


def _pair(calm: tuple[float, int], hit: tuple[float, int], size: int, scale: float) -> tuple[float, float]:
    """(clean, flagged) work per message (× `scale`) from a clean block and an offensive one of `size` messages.

    Each block costs size × (clean cost) + its flags × (extra cost of a flag): two blocks, two unknowns. Neither
    clean kind is all clean to the rules (the classifier flags some word salads and some everyday tweets), so a
    clean block's own flags are taken out rather than counted as clean work."""
    (calm_cpu, calm_flags), (hit_cpu, hit_flags) = calm, hit
    extra = (hit_cpu - calm_cpu) / max(1, hit_flags - calm_flags) * scale
    clean = calm_cpu / size * scale - calm_flags / size * extra
    return clean, clean + extra


def run(options: ScenarioOptions) -> list[Measure]:
    count = 10_000 if options.quick else 50_000
    with tempfile.TemporaryDirectory() as folder:
        measures = _console_measures(count, Path(options.data_dir), Path(folder), 1 if options.quick else PASSES)
        measures += _flag_cost(500 if options.quick else 2_000, Path(options.data_dir), Path(folder))
    from benchmarks.gateway import discord_measures

    measures += discord_measures(2_000 if options.quick else 10_000, Path(options.data_dir),
                                 1 if options.quick else PASSES)
    return measures


if __name__ == "__main__":  # pragma: no cover - the flag path alone: python -m benchmarks.pipeline [runs]
    import sys

    from benchmarks.harness import Report, combine

    def _flag_part() -> list[Measure]:
        with tempfile.TemporaryDirectory() as scratch:
            return _flag_cost(2_000, Path("../shared/data"), Path(scratch))

    print(Report(measures=combine([_flag_part() for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3)])).table())
