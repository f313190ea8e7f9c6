"""Moderation quality and speed on every public set, beside two well-known profanity filters, in one run.

Quality (see `moderation_lodo.py`): leave-one-dataset-out. For each abuse set (Davidson, MLMA, ToxiFrench,
Jigsaw FR/EN, RTP-LX FR, ETHOS, ConvAbuse) and each spam set (SMS, Janitr, tg-spam), a model is trained on the
other sets of its task and reported on the one left out, beside cmbot's rules (fixed), better-profanity and
alt-profanity-check on the same rows; figures per set and pooled per language. Scam domains (see
`moderation_domains.py`): each phishing list left out in turn, and a random fifth of both, is kept out of the
list and the domain model, and the share of it caught is reported, with the kinds of the names missed.

Speed (see `moderation_speed.py`): the same 1,000 rows for every subject, one message per call on one core,
the same warm-up and passes; cmbot on the `Watcher` path (author, channel, time: every default rule, context
rules included), rules alone and rules + the shipped models; the peers one call per message, and
alt-profanity-check's batch API beside it.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.harness import Measure, ScenarioOptions
from benchmarks.moderation_domains import domains
from benchmarks.moderation_lodo import leave_one_out
from benchmarks.moderation_speed import peers as speed_peers
from benchmarks.moderation_speed import speed

SCENARIO = "moderation"


def run(options: ScenarioOptions) -> list[Measure]:
    folder = Path(options.data_dir) / "moderation"
    if not folder.is_dir():
        return [Measure(SCENARIO, "cmbot", "all", "skipped", "n/a", note=f"no data folder at {folder}")]
    peers = speed_peers()
    measures = speed(folder, options.quick, peers)
    batch = {name: make for name, (make, _) in peers.items() if make is not None}
    for task in ("abuse", "spam"):
        measures += leave_one_out(task, folder, options.quick, {name: make() for name, make in batch.items()})
    measures += domains(folder, options.quick)
    return measures


if __name__ == "__main__":  # pragma: no cover - a convenience for running this scenario alone
    started = time.perf_counter()
    for measure in run(ScenarioOptions()):
        print(measure)
    print(f"{time.perf_counter() - started:.1f}s")
