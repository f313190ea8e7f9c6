"""Moderation rules on hostile text, in seconds: how time grows with the message length, and ordinary chat speed.

The test suite checks the same growth by counting work (lines run, characters scanned), which holds on a busy
machine; this scenario gives the figure in seconds, beside its goal, for a quiet one. For each adversarial unit
repeated to 10,000 and 100,000 characters, each rule alone is timed (best of three) and the worst ratio per rule
is reported: linear is about 10, quadratic about 100.
"""

from __future__ import annotations

import time

from benchmarks.harness import Measure, ScenarioOptions

SCENARIO = "scaling"
ADVERSARIAL = ("a", "a ", "c.", "1a", "@", "é", "\u0301", "😀", ":x", "<!", "ab.", "x-", "A", "www.", "http://a.")
ORDINARY = ("Bonjour à tous, qui vient au concours demain ?", "gg well played!", "lol :)",
            "Le député a parlé du conseil municipal.", "check https://example.org/page")  # fmt: skip
RATIO_GOAL = "<= 20"  # linear is about 10, quadratic about 100
FLOOR_SECONDS = 0.0002  # below this a sample is noise: ratios use at least this much


def run(options: ScenarioOptions) -> list[Measure]:
    from config.moderation import ModerationSettings
    from handlers.moderation.engine import build_engine

    engine = build_engine(ModerationSettings())
    sizes = (2_000, 20_000) if options.quick else (10_000, 100_000)
    worst: dict[str, tuple[float, str]] = {}
    for unit in ADVERSARIAL:
        small, large = (_per_rule(engine, unit * (size // len(unit))) for size in sizes)
        for name, seconds in large.items():
            ratio = max(seconds, FLOOR_SECONDS) / max(small[name], FLOOR_SECONDS)
            if ratio > worst.get(name, (0.0, ""))[0]:
                worst[name] = (ratio, unit)
    measures = [
        Measure(SCENARIO, "cmbot rule", f"{name} time x{sizes[1] // sizes[0]} text", ratio, "ratio", RATIO_GOAL,
                f"worst unit {unit!r}")
        for name, (ratio, unit) in sorted(worst.items())
    ]
    measures.append(_ordinary_chat(engine, 200 if options.quick else 2_000))
    return measures


def _per_rule(engine, text: str) -> dict[str, float]:
    from handlers.moderation.rules.base import MessageFacts

    spent: dict[str, float] = {}
    for slot in engine.slots:
        best = float("inf")
        for _ in range(3):
            facts = MessageFacts(text, member_id="m", channel_id="c", space_id="s")
            started = time.perf_counter()
            slot.rule.check(facts)
            best = min(best, time.perf_counter() - started)
        spent[slot.rule.name] = best
    return spent


def _ordinary_chat(engine, count: int) -> Measure:
    from handlers.moderation.rules.base import MessageFacts

    messages = [ORDINARY[i % len(ORDINARY)] for i in range(count)]
    for text in ORDINARY:
        engine.check(MessageFacts(text))
    started = time.perf_counter()
    for text in messages:
        engine.check(MessageFacts(text))
    rate = count / (time.perf_counter() - started)
    return Measure(SCENARIO, "cmbot default rules", "ordinary chat", rate, "msg/s", ">= 5,000", f"{count} messages")
