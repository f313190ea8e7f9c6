"""Moderation speed: cmbot's rules on the `Watcher` path, beside two profanity filters, in one run.

cmbot is measured the way the bot checks a message: a posted-message event (author, roles, join date,
channel, time) turned into `MessageFacts` by the `Watcher`'s own `facts_of` and run through the community's
engine built from the default settings, so the context rules (flood, cross-post, newcomer, the spam rule's
seen domains) run beside the content rules. The stream is the same 1,000 rows (Davidson and MLMA samples)
for every subject, written by 200 members over 5 channels, a message every second or two, a tenth of the
authors newcomers. What follows a verdict (a flag written and announced) is the flag path, measured by the
`pipeline` scenario.

Every subject gets the same treatment: `WARM_UP` messages, then `PASSES` timed passes over all the rows,
interleaved between subjects, each pass's rate kept and the median reported (with the lowest and highest pass
in the note). cmbot's events
move on in time from pass to pass, so the stateful rules see a continuous stream, never time going back.
better-profanity has no batch API: one call per message. alt-profanity-check is measured both ways, one
message per call and its batch API (one call per pass).

Time is the process's CPU time, so the time a loaded machine makes it wait for a core is not counted. The
issue's goals are for a quiet machine: beside each cmbot rate the run prints it as a multiple of
better-profanity's rate in the same run, and that multiple applied to better-profanity's rate on a quiet
machine (`BASELINE_QUIET`, from the data's README): the goals are shown against that figure.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.harness import Measure

SCENARIO = "moderation"
SPEED_SAMPLES = (("samples/en_davidson_sample5000_seed42.csv", 750), ("samples/fr_mlma_sample500_seed42.csv", 250))
WARM_UP = 100
PASSES = 3
MEMBERS, CHANNELS, NEWCOMERS = 200, 5, 20
SPEED_GOALS = {"cmbot rules": ">= 50,000", "cmbot rules + model": ">= 20,000"}
BASELINE = "better-profanity"
BASELINE_QUIET = 84.0  # better-profanity 0.7.0, messages/s, one core on a quiet machine (the data's README)

Batch = Callable[[Sequence[str]], object]


def speed_rows(folder: Path, quick: bool) -> list[str]:
    texts: list[str] = []
    for relative, count in SPEED_SAMPLES:
        path = folder / relative
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                rows = [row["text"] for row in csv.DictReader(handle)]
            texts += random.Random(42).sample(rows, min(len(rows), count // 5 if quick else count))
    return texts


def stream(texts: Sequence[str], start: datetime, seed: int = 1) -> list:
    """The rows as posted-message events: members with roles and join dates, channels, a clock moving on."""
    from bot.events import ChannelRef, Member, MessagePosted, PlatformName

    pick = random.Random(seed)
    members = [
        Member(f"member-{n}", f"Member {n}", frozenset({"role-member"}),
               joined_at=start - (timedelta(minutes=5) if n < NEWCOMERS else timedelta(days=30 + n)))
        for n in range(MEMBERS)
    ]  # fmt: skip
    channels = [ChannelRef(f"channel-{n}", f"channel-{n}") for n in range(CHANNELS)]
    events, at = [], start
    for index, text in enumerate(texts):
        at += timedelta(seconds=pick.choice((1, 1, 2)))
        events.append(MessagePosted(platform=PlatformName.CONSOLE, space_id="space", event_id=f"e{index}", at=at,
                                    channel=pick.choice(channels), member=pick.choice(members),
                                    message_id=f"m{index}", text=text))  # fmt: skip
    return events


def _watcher_path(classifier: bool) -> Callable[[Sequence], object]:
    """What `Watcher.on_message` does up to the verdict, for a community with the default settings."""
    from config.moderation import ModerationSettings
    from handlers.moderation.classifier import SHIPPED, ClassifierRule, TextClassifier, shipped_model_path
    from handlers.moderation.engine import build_engine
    from handlers.moderation.watch import facts_of

    models = ClassifierRule([TextClassifier.load(shipped_model_path(n), n) for n in SHIPPED]) if classifier else None
    check = build_engine(ModerationSettings(), classifier=models).check
    return lambda events: [check(facts_of(event)) for event in events]


def _rates(subjects: dict[str, tuple[Callable[[Sequence], object], Sequence, Sequence[Sequence]]]
           ) -> dict[str, list[float]]:
    """Messages per second of each subject's timed passes, after the same warm-up for every subject.

    The passes are interleaved (round 1 of every subject, then round 2…), so a machine whose load changes
    during the run slows every subject alike instead of whichever ran at the worst moment."""
    for call, warm_up, _ in subjects.values():
        call(warm_up)
    rates: dict[str, list[float]] = {name: [] for name in subjects}
    for round_ in range(max(len(passes) for _, _, passes in subjects.values())):
        for name, (call, _, passes) in subjects.items():
            started = time.process_time()
            call(passes[round_])
            spent = time.process_time() - started
            rates[name].append(len(passes[round_]) / spent if spent > 0 else 0.0)
    return rates


def speed(folder: Path, quick: bool, peers: dict[str, tuple[Callable[[], Batch] | None, Callable | None]]
          ) -> list[Measure]:
    texts = speed_rows(folder, quick)
    if not texts:
        return [Measure(SCENARIO, "cmbot", "speed", "skipped", note="samples missing")]
    passes = 1 if quick else PASSES
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    events = stream(texts[:WARM_UP] + texts * passes, start)
    cmbot_warm, cmbot_passes = events[:WARM_UP], [events[WARM_UP + i * len(texts):WARM_UP + (i + 1) * len(texts)]
                                                  for i in range(passes)]  # fmt: skip
    subjects = {
        "cmbot rules": (_watcher_path(classifier=False), cmbot_warm, cmbot_passes),
        "cmbot rules + model": (_watcher_path(classifier=True), cmbot_warm, cmbot_passes),
    }
    skipped = {}
    for name, (make_batch, make_single) in peers.items():
        if make_single is None or make_batch is None:
            skipped[name] = "not installed (dev extra)"
            continue
        single = make_single()
        subjects[name] = (lambda batch, s=single: [s(t) for t in batch], texts[:WARM_UP], [texts] * passes)
        if name == "alt-profanity-check":
            subjects[f"{name} (batch API)"] = (make_batch(), texts[:WARM_UP], [texts] * passes)
    rates = _rates(subjects)
    measures = []
    for name, runs in rates.items():
        how = "Watcher path: author, channel, time, every default rule" if name.startswith("cmbot") else (
            "one call per pass" if "batch" in name else "one call per message")  # fmt: skip
        note = (f"{len(texts)} messages, {WARM_UP} warm-up, median of {passes} passes "
                f"({min(runs):,.0f}–{max(runs):,.0f}), CPU time; {how}")  # fmt: skip
        measures.append(Measure(SCENARIO, name, "messages/s (one core)", statistics.median(runs), "msg/s", "", note))
    baseline = statistics.median(rates[BASELINE]) if BASELINE in rates else 0.0
    for name, goal in SPEED_GOALS.items():
        if baseline:
            times = statistics.median(rates[name]) / baseline
            measures.append(Measure(SCENARIO, name, f"× {BASELINE} (same run)", times, "×", "",
                                    f"{BASELINE} ran at {baseline:,.1f} msg/s in this run"))
            measures.append(Measure(SCENARIO, name, "messages/s on a quiet machine (scaled by the baseline)",
                                    times * BASELINE_QUIET, "msg/s", goal,
                                    f"× {BASELINE} applied to its {BASELINE_QUIET:.0f} msg/s on a quiet machine"))
    measures += [Measure(SCENARIO, name, "messages/s", "skipped", note=why) for name, why in skipped.items()]
    return measures


def peers() -> dict[str, tuple[Callable[[], Batch] | None, Callable | None]]:
    """Per peer: (make a batch predictor, make a one-message predictor), None when not installed."""
    found: dict[str, tuple[Callable[[], Batch] | None, Callable | None]] = {}
    try:
        from better_profanity import profanity

        def make_bp_single() -> Callable[[str], bool]:
            profanity.load_censor_words()
            return profanity.contains_profanity

        def make_bp_batch() -> Batch:
            single = make_bp_single()
            return lambda texts: [single(t) for t in texts]

        found["better-profanity"] = (make_bp_batch, make_bp_single)
    except ImportError:
        found["better-profanity"] = (None, None)
    try:
        from profanity_check import predict

        found["alt-profanity-check"] = (
            lambda: lambda texts: [bool(p) for p in predict(list(texts))] if texts else [],
            lambda: lambda text: bool(predict([text])[0]),
        )
    except ImportError:
        found["alt-profanity-check"] = (None, None)
    return found


if __name__ == "__main__":  # pragma: no cover - the speed part alone: python -m benchmarks.moderation_speed
    from benchmarks.harness import Report

    print(Report(measures=speed(Path("../shared/data/moderation"), False, peers())).table())
