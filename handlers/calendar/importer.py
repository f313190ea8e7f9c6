"""Bulk import of a content calendar from CSV or YAML, validated as a whole.

Columns (CSV header or YAML keys) are the fields of `/post draft`: body, at, to, every, cron, until, count,
campaign, pillar, discord, slack, attachments, utm. Every row is checked as a command would check it (except
whether channels exist, which needs the platforms connected); the report has one line per row, and nothing is
imported unless every row is valid. A running bot picks imported posts up at its next sweep.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import sqlite_utils
import yaml

from bot.i18n import Catalogue
from config.settings import Community
from handlers.calendar import posts as ledger
from handlers.calendar.drafting import read_draft
from handlers.calendar.lifecycle import submitted_status
from handlers.calendar.posts import Actor, PostDraft
from handlers.calendar.validation import Problem, first_occurrence, validate_draft

IMPORTER = Actor("cli", "import")


class ImportFileError(ValueError):
    """The file itself cannot be read (format, encoding, shape)."""


@dataclass(frozen=True)
class RowReport:
    row: int  # 1-based, the header being row 1 in a CSV
    draft: PostDraft | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"{path}: cannot be read: {error}") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise ImportFileError(f"{path}: the CSV file has no header row")
        return [(index + 2, {k.strip(): (v or "") for k, v in row.items() if k}) for index, row in enumerate(reader)]
    if suffix in {".yml", ".yaml"}:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ImportFileError(f"{path}: not valid YAML: {error}") from None
        items = data.get("posts") if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ImportFileError(f"{path}: expected a list of posts (or a `posts:` list of mappings)")
        return [(index + 1, {str(k): ("" if v is None else str(v)) for k, v in item.items()})
                for index, item in enumerate(items)]
    raise ImportFileError(f"{path}: use a .csv, .yml or .yaml file")


def check_rows(rows: list[tuple[int, dict[str, str]]], community: Community, now: datetime) -> list[RowReport]:
    default_platform = next(p for p in ("discord", "slack", "console") if community.space(p) is not None)
    reports = []
    for number, fields in rows:
        present = {k: v for k, v in fields.items() if v.strip()}
        draft, problems = read_draft(present, community=community.id, author=IMPORTER, zone=community.timezone,
                                     default_platform=default_platform, now=now, locale=community.locale)
        if draft is not None:
            problems = validate_draft(draft, community, now, need_time=True)
            if not problems:
                draft = replace(draft, publish_at=first_occurrence(draft, now))
        reports.append(RowReport(number, draft if not problems else None, tuple(problems)))
    return reports


def describe(report: RowReport, community: Community, catalogue: Catalogue) -> str:
    if report.ok and report.draft is not None:
        draft = report.draft
        when = draft.publish_at.astimezone(community.tz).strftime("%Y-%m-%d %H:%M") if draft.publish_at else "?"
        repeat = f" (cron {draft.cron})" if draft.cron else ""
        targets = ", ".join(str(t) for t in draft.targets)
        return f"row {report.row}: ok, {when}{repeat} -> {targets}"
    sentences = "; ".join(catalogue.string(community.locale, p.key, **p.values) for p in report.problems)
    return f"row {report.row}: {sentences}"


def import_all(db: sqlite_utils.Database, reports: list[RowReport], community: Community, now: datetime) -> list[int]:
    """Create every post; call only when every row is valid."""
    if not all(r.ok for r in reports):
        raise ValueError("refusing a partial import")
    status = submitted_status(community.calendar.approval_required)
    return [ledger.create_post(db, r.draft, status, now) for r in reports if r.draft is not None]
