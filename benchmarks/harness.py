"""The measurement record every scenario returns, and the table and JSON the harness prints.

A scenario is a module `benchmarks/<name>.py` with a function `run(options: ScenarioOptions) -> list[Measure]`.
Each measure names its subject (cmbot, or the baseline it is compared with) so the table shows both side by
side, and may carry the goal the figure is held to. The harness runs every scenario several times (three by
default) and reports the median of each figure with its spread (lowest and highest run): one run on a shared
machine says little, and a ratio is always taken inside one run, between figures measured side by side.
"""

from __future__ import annotations

import json
import platform
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class ScenarioOptions:
    quick: bool = False  # smaller sizes, for a smoke run
    data_dir: Path = Path("../shared/data")
    large: bool = False  # the sizes that take minutes (the report over 10 million events)


@dataclass(frozen=True)
class Measure:
    scenario: str
    subject: str
    metric: str
    value: float | str
    unit: str = ""
    goal: str = ""
    note: str = ""
    low: float | None = None  # the lowest and highest of the runs the value is the median of
    high: float | None = None
    runs: int = 1


def combine(runs: Sequence[Sequence[Measure]]) -> list[Measure]:
    """One measure per (subject, metric): the median of the runs, with their lowest and highest value.

    Notes and text values come from the run whose figure is the median (or the first run for text)."""
    order: list[tuple[str, str, str]] = []
    seen: dict[tuple[str, str, str], list[Measure]] = {}
    for measures in runs:
        for measure in measures:
            key = (measure.scenario, measure.subject, measure.metric)
            if key not in seen:
                seen[key] = []
                order.append(key)
            seen[key].append(measure)
    combined = []
    for key in order:
        found = seen[key]
        numbers = [m for m in found if isinstance(m.value, float | int) and m.value == m.value]
        if len(numbers) != len(found) or not numbers:
            combined.append(replace(found[0], runs=len(found)))
            continue
        ordered = sorted(numbers, key=lambda m: float(m.value))
        middle = ordered[(len(ordered) - 1) // 2]
        value = statistics.median(float(m.value) for m in numbers)
        combined.append(replace(middle, value=value, low=float(ordered[0].value), high=float(ordered[-1].value),
                                runs=len(found)))
    return combined


@dataclass
class Report:
    measures: list[Measure] = field(default_factory=list)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    command: str = ""

    def table(self) -> str:
        headers = ("scenario", "subject", "metric", "median", "spread", "unit", "goal", "note")
        rows = [headers] + [
            (m.scenario, m.subject, m.metric, _fmt(m.value), _spread(m), m.unit, m.goal, m.note)
            for m in self.measures
        ]
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(headers))]
        lines = []
        for index, row in enumerate(rows):
            lines.append("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def to_json(self) -> str:
        machine = {"python": platform.python_version(), "machine": platform.machine(), "system": platform.system()}
        payload = {"started_at": self.started_at, "command": self.command, "machine": machine,
                   "measures": [asdict(m) for m in self.measures]}
        return json.dumps(payload, indent=2, ensure_ascii=False)


def _spread(measure: Measure) -> str:
    if measure.low is None or measure.high is None or measure.runs < 2:
        return ""
    return f"{_fmt(measure.low)}–{_fmt(measure.high)} ({measure.runs} runs)"


def _fmt(value: float | str) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        value = float(value)
        if value != value:
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)
