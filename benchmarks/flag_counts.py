"""The flag part of the pipeline scenario counted in instructions (Valgrind's callgrind), not in CPU time.

CPU time on a shared machine moves with the neighbours: the flagged blocks cross to the store's thread and back
once per message, and a crowded machine makes every crossing dearer, so the CPU ratio drifts with the load.
Instructions do not: this plays the same stream as `pipeline._flag_cost` (`flag_stream`) under callgrind, which
counts the instructions of every thread of the process, the store's included. The child marks each block's start
with a call to `getppid`, and callgrind writes its counts so far before each such call
(`--dump-before=getppid`), so each block's dump holds that block's instructions alone. What the kernel does
(context switches, the disk) and what caches and the load cost are not counted: the figure is the work the
flag path asks for, and the CPU figure beside it what that work cost on the machine of that hour.

    python -m benchmarks.flag_counts [--messages 600] [--rounds 3]

Under callgrind Python runs about fifty times slower: the default is a smaller stream than the CPU figure's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

from benchmarks.harness import Measure, Report
from benchmarks.pipeline import flag_figures, flag_stream, play_console

DATA = Path("../shared/data")


def child(messages: int, rounds: int, data_dir: Path, out: Path) -> None:
    """Play the flag stream, marking each block; write each block's flags for the parent."""
    played = flag_stream(messages, data_dir, rounds)
    assert played is not None, f"no Davidson set under {data_dir}/moderation"
    with tempfile.TemporaryDirectory() as folder:
        run = asyncio.run(play_console(played.happenings, Path(folder), None, played.warmup, laps=played.starts,
                                       on_lap=os.getppid, count_work=False))
    flags = [end[1] - begin[1] for begin, end in pairwise(run.laps)]
    out.write_text(json.dumps({"flags": flags}), encoding="utf-8")


def counted(messages: int, rounds: int, data_dir: Path) -> list[Measure]:
    """Run the child under callgrind; the flag part's lines in instructions per message."""
    played = flag_stream(messages, data_dir, rounds)
    if played is None:
        return [Measure("pipeline", "flagged vs clean message, instructions", "skipped", "n/a",
                        note=f"no Davidson set under {data_dir}/moderation")]
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return [Measure("pipeline", "flagged vs clean message, instructions", "skipped", "n/a",
                        note="valgrind is not installed")]
    with tempfile.TemporaryDirectory() as folder:
        dumps, flags_file = Path(folder) / "counts", Path(folder) / "flags.json"
        subprocess.run([valgrind, "--tool=callgrind", "--dump-before=getppid", "--dump-instr=no",
                        f"--callgrind-out-file={dumps}", sys.executable, "-m", "benchmarks.flag_counts", "--child",
                        "--messages", str(messages), "--rounds", str(rounds), "--data", str(data_dir),
                        "--out", str(flags_file)], check=True, capture_output=True)  # fmt: skip
        flags = json.loads(flags_file.read_text(encoding="utf-8"))["flags"]
        totals = [_total(path) for path in sorted(Path(folder).glob("counts.*"), key=_dump_number)]
    blocks = totals[1:1 + len(played.order)]  # the first dump is the start and the warm-up, the last the exit
    if len(blocks) != len(played.order) or len(flags) != len(played.order):
        raise RuntimeError(f"expected {len(played.order)} blocks, callgrind wrote {len(totals)} dumps")
    return flag_figures([(float(ir), n) for ir, n in zip(blocks, flags, strict=True)], played,
                        "instructions per message", "", 1.0)


def _dump_number(path: Path) -> int:
    return int(path.name.rsplit(".", 1)[1])


def _total(path: Path) -> int:
    """The instructions a dump counted (its `summary:` or `totals:` line)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise ValueError(f"{path.name}: no total")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The flag path in instructions per message (callgrind).")
    parser.add_argument("--messages", type=int, default=600, help="messages of each kind (default 600)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of blocks (default 3)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        child(options.messages, options.rounds, options.data, options.out)
        return 0
    print(Report(measures=counted(options.messages, options.rounds, options.data)).table())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
