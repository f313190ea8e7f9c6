"""Entry point: run named scenarios (all when none is named) three times, print one table of medians and
spreads, optionally write JSON."""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
from pathlib import Path

from benchmarks.harness import Report, ScenarioOptions, combine

SCENARIOS = ("startup", "dispatch", "pipeline", "moderation", "scaling", "scheduling", "engagement", "report")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"scenarios to run (default: all): {', '.join(SCENARIOS)}")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--large", action="store_true",
                        help="also the sizes that take minutes (the weekly report over 10 million events)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario; the table shows medians")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"), help="public data sets folder")
    args = parser.parse_args(argv)
    names = args.names or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    options = ScenarioOptions(quick=args.quick, data_dir=args.data_dir, large=args.large)
    report = Report(command=shlex.join(["python", "-m", "benchmarks", *(argv if argv is not None else sys.argv[1:])]))
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        runs = []
        for number in range(1, args.runs + 1):
            print(f"running {name} ({number}/{args.runs})…", file=sys.stderr, flush=True)
            runs.append(module.run(options))
        finished = combine(runs)
        report.measures.extend(finished)
        print(Report(measures=finished).table(), flush=True)  # each scenario's lines as soon as it is done
        print(flush=True)
    if len(names) > 1:
        print(report.table())  # and every line together, to copy as one table
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(report.to_json(), encoding="utf-8")
        print(f"figures written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
