"""Measuring the engine on a labelled file: precision, recall, F1, false positive rate, rate per group, speed.

Used by `cmbot moderation eval` and by the benchmark. Only the content rules run (each row is a message with no
author history), one call per message, timed on one thread.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TRUE_VALUES = frozenset({"1", "true", "yes", "y", "flag", "spam", "toxic", "positive"})


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    positive: bool
    group: str = ""


@dataclass
class Evaluation:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    seconds: float = 0.0
    groups: dict[str, list[int]] = field(default_factory=dict)  # group -> [flagged, total]

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def messages_per_second(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict:
        return {
            "messages": self.total, "tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "false_positive_rate": round(self.false_positive_rate, 4),
            "messages_per_second": round(self.messages_per_second, 1),
            "groups": {g: {"flagged": f, "total": t, "flag_rate": round(f / t, 4) if t else 0.0}
                       for g, (f, t) in sorted(self.groups.items())},
        }  # fmt: skip


def is_positive(value: str, positives: Sequence[str]) -> bool:
    value = value.strip()
    if positives:
        return value in positives
    return value.lower() in TRUE_VALUES


def read_rows(
    path: Path,
    text_column: str,
    label_column: str,
    positives: Sequence[str] = (),
    group_column: str | None = None,
) -> list[Row]:
    """Read a labelled CSV (or TSV, by extension). Raises ValueError naming a missing column."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    tabbed = path.suffix.lower() in {".tsv", ".tab"}
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        # TSV files quote nothing: a quote mark there is part of the text
        reader = (csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if tabbed
                  else csv.DictReader(handle))
        columns = reader.fieldnames or []
        for wanted in (text_column, label_column, group_column):
            if wanted is not None and wanted not in columns:
                raise ValueError(f"{path}: no column {wanted!r} (columns: {', '.join(columns) or 'none'})")
        return [
            Row(
                row[text_column] or "",
                is_positive(row[label_column] or "", positives),
                (row[group_column] or "") if group_column else "",
            )
            for row in reader
        ]


def evaluate(predict: Callable[[str], bool], rows: Iterable[Row]) -> Evaluation:
    rows = list(rows)
    texts = [row.text for row in rows]
    started = time.perf_counter()
    flags = [predict(text) for text in texts]
    seconds = time.perf_counter() - started
    result = Evaluation(seconds=seconds)
    for row, flagged in zip(rows, flags, strict=True):
        if flagged and row.positive:
            result.tp += 1
        elif flagged:
            result.fp += 1
        elif row.positive:
            result.fn += 1
        else:
            result.tn += 1
        if row.group:
            counts = result.groups.setdefault(row.group, [0, 0])
            counts[0] += int(flagged)
            counts[1] += 1
    return result


def report_text(result: Evaluation) -> str:
    lines = [
        f"messages            {result.total}",
        f"precision           {result.precision:.3f}",
        f"recall              {result.recall:.3f}",
        f"F1                  {result.f1:.3f}",
        f"false positive rate {result.false_positive_rate:.3f}",
        f"messages/second     {result.messages_per_second:,.0f}",
    ]
    if result.groups:
        lines.append("flag rate per group:")
        width = max(len(g) for g in result.groups)
        for group, (flagged, total) in sorted(result.groups.items()):
            lines.append(f"  {group.ljust(width)}  {flagged / total:6.1%}  ({flagged}/{total})")
    return "\n".join(lines)
