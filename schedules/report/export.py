"""The report for people outside the chat: plain text, Markdown (to paste in a deck), JSON and CSV (for a
spreadsheet). Same figures as the chat cards; numbers are raw in JSON and CSV, formatted for the locale in text.
"""

from __future__ import annotations

import csv
import io
import json

from bot.i18n import Catalogue
from schedules.report.builder import METRICS, WeeklyReport
from schedules.report.render import advice_text, report_cards
from schedules.report.traffic import figures_dict
from schedules.report.traffic_export import cohort_dict, traffic_rows

FORMATS = ("text", "markdown", "json", "csv")


def to_json(report: WeeklyReport) -> str:
    scopes = []
    for scope in report.scopes:
        scopes.append({
            "platform": scope.platform or "all",
            "figures": {key: scope.numbers.get(key) for key in METRICS},
            "previous_week": {key: scope.previous.get(key) for key in METRICS},
            "change": {key: scope.change(key) for key in METRICS},
            "lists": {name: [{"platform": i.platform, "id": i.ref, "label": i.label, "value": i.value} for i in items]
                      for name, items in scope.lists.items()},
        })
    payload = {
        "community": report.community.id,
        "week": str(report.week),
        "timezone": report.community.timezone,
        "built_at": report.built_at.isoformat(),
        "late": report.late,
        "scopes": scopes,
        "daily": [{"day": p.day.isoformat(), "active_members": p.active_members, "messages": p.messages}
                  for p in report.daily],
        "advice": {"kind": report.advice.kind, "evidence": report.advice.evidence, "basis": report.advice.basis,
                   "rule": report.advice.rule, "source": report.advice.source},
        "traffic": figures_dict(report.traffic) if report.traffic is not None else None,
        "cohorts": [cohort_dict(c) for c in report.cohorts],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def to_csv(report: WeeklyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["community", "week", "platform", "metric", "value", "previous_week", "change"])
    for scope in report.scopes:
        for key in METRICS:
            writer.writerow([report.community.id, str(report.week), scope.platform or "all", key,
                             _cell(scope.numbers.get(key)), _cell(scope.previous.get(key)), _cell(scope.change(key))])
    for platform, key, value, previous in traffic_rows(report):
        change = value - previous if value is not None and previous is not None else None
        writer.writerow([report.community.id, str(report.week), platform, key, _cell(value), _cell(previous),
                         _cell(change)])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # exact: a spreadsheet gets the figure, not a rounding of it
    return str(value)


def to_text(report: WeeklyReport, catalogue: Catalogue, markdown: bool = False) -> str:
    lines: list[str] = []
    advice_plain = advice_text(report, catalogue).plain()
    cards = report_cards(report, "console", catalogue)
    for card in cards:
        title = card.title.plain() if card.title else ""
        lines.append(f"## {title}" if markdown else f"{title}\n{'=' * len(title)}")
        body = card.text.plain().replace(advice_plain, "").strip()
        if body:
            lines.append(body)
        for field in card.fields:
            lines.append(f"\n### {field.name}" if markdown else f"\n{field.name}")
            for row in field.value.plain().split("\n"):
                lines.append(f"- {row}" if markdown else f"  {row}")
        lines.append("")
    advice = advice_plain.split("\n")
    lines.append(f"## {advice[0]}" if markdown else advice[0])
    lines.extend(advice[1:])
    footer = cards[0].footer
    if footer:
        lines.append("")
        lines.append(f"_{footer.plain()}_" if markdown else footer.plain())
    return "\n".join(lines) + "\n"


def export(report: WeeklyReport, fmt: str, catalogue: Catalogue) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt in ("text", "markdown"):
        return to_text(report, catalogue, markdown=fmt == "markdown")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
