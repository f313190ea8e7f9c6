"""The Discord part of the pipeline scenario counted in instructions (Valgrind's callgrind), not in CPU time.

The gateway's CPU ratio moves with the neighbours on a shared machine; instructions do not. Each subject of
`benchmarks.gateway` (the bare discord.py client, cmbot with no feature, with every feature but moderation, with
every feature) plays the same stream once more under callgrind, in a process of its own: its fake runs in a
child process, which callgrind does not follow, so the count is the subject's alone, every thread of it (the
store's included). The subject calls `getppid` where its measure starts and where it ends, and callgrind writes
its counts so far before each such call (`--dump-before=getppid`), so the middle dump holds the measured events
alone, after the usual warm-up. What the kernel does (the sockets, the disk, thread switches) and what caches
and the load cost are not counted: the CPU figure holds those.

    python -m benchmarks.gateway_counts [--events 2000] [--subjects bare none "but moderation" every]

Under callgrind Python runs about fifty times slower: the default is a shorter stream than the CPU figure's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import gateway
from benchmarks.flag_counts import _dump_number, _total
from benchmarks.harness import Measure, Report

DATA = Path("../shared/data")
SUBJECTS = ("bare", *gateway.SUBJECTS)


class _Marks:
    """Where the measure starts and ends, as `getppid` calls callgrind dumps before."""

    def start(self) -> None:
        os.getppid()

    def stop(self) -> None:
        os.getppid()


def child(subject: str, events: int, data_dir: Path) -> None:
    gateway.COUNTING = _Marks()  # type: ignore[assignment]
    if subject == "bare":
        gateway.bare_pass(events, str(data_dir))
        return
    with tempfile.TemporaryDirectory() as folder:
        gateway.cmbot_pass(subject, events, str(data_dir), folder)


def counted(subject: str, events: int, data_dir: Path) -> float | None:
    """Instructions per measured event of `subject`; None without valgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        dumps = Path(folder) / "counts"
        subprocess.run([valgrind, "--tool=callgrind", "--dump-before=getppid", "--dump-instr=no",
                        f"--callgrind-out-file={dumps}", sys.executable, "-m", "benchmarks.gateway_counts", "--child",
                        subject, "--events", str(events), "--data", str(data_dir)],
                       check=True, capture_output=True)  # fmt: skip
        totals = [_total(path) for path in sorted(Path(folder).glob("counts.*"), key=_dump_number)]
    if len(totals) < 2:
        raise RuntimeError(f"{subject}: expected the measure's dump, callgrind wrote {len(totals)}")
    return totals[1] / events  # the first dump is the start and the warm-up; the second, the measured events


def measures(subjects: list[str], events: int, data_dir: Path) -> list[Measure]:
    figures = {subject: counted(subject, events, data_dir) for subject in subjects}
    if any(figure is None for figure in figures.values()):
        return [Measure("pipeline", "Discord gateway, instructions per event", "skipped", "n/a",
                        note="valgrind is not installed")]
    bare = figures.get("bare")
    out = []
    for subject, figure in figures.items():
        assert figure is not None
        added = f"; added / discord.py's own {(figure - bare) / bare:.2f}" if bare and subject != "bare" else ""
        out.append(Measure("pipeline", f"Discord gateway, instructions per event: {subject}", "instructions",
                           round(figure), "", note=f"{events:,} events after {gateway.WARMUP_EVENTS:,}{added}"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Discord gateway's subjects in instructions per event.")
    parser.add_argument("--events", type=int, default=2_000, help="measured events (default 2,000)")
    parser.add_argument("--subjects", nargs="+", choices=SUBJECTS, default=list(SUBJECTS))
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--child", choices=SUBJECTS, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        child(options.child, options.events, options.data)
        return 0
    print(Report(measures=measures(options.subjects, options.events, options.data)).table())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
