"""The measurement record every scenario returns, and the table and JSON the harness prints.

A scenario is a module `benchmarks/<name>.py` with a function `run(options: ScenarioOptions) -> list[Measure]`.
Each measure names its subject (cmbot, or the baseline it is compared with) so the table shows both side by
side, and may carry the goal the figure is held to.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class ScenarioOptions:
    quick: bool = False  # smaller sizes, for a smoke run
    data_dir: Path = Path("../shared/data")


@dataclass(frozen=True)
class Measure:
    scenario: str
    subject: str
    metric: str
    value: float | str
    unit: str = ""
    goal: str = ""
    note: str = ""


@dataclass
class Report:
    measures: list[Measure] = field(default_factory=list)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def table(self) -> str:
        headers = ("scenario", "subject", "metric", "value", "unit", "goal", "note")
        rows = [headers] + [
            (m.scenario, m.subject, m.metric, _fmt(m.value), m.unit, m.goal, m.note) for m in self.measures
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
        payload = {"started_at": self.started_at, "machine": machine, "measures": [asdict(m) for m in self.measures]}
        return json.dumps(payload, indent=2, ensure_ascii=False)


def _fmt(value: float | str) -> str:
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)
