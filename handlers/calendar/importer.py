"""Bulk import of a content calendar from CSV or YAML, validated as a whole, safe to run again.

Columns (CSV header or YAML keys) are the fields of `/post draft`: body, at, to, every, cron, until, count,
campaign, pillar, discord, slack, attachments, utm, plus an optional `key` naming the row across imports (see
`handlers.calendar.sync`). Every row is checked as a command would check it (except whether channels exist, which
needs the platforms connected) and compared with what an earlier import made: the report says, row by row, what
is new, changed or unchanged, and nothing is imported unless every row is valid. A running bot picks imported
posts up at its next sweep.
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
from handlers.calendar.dates import moment
from handlers.calendar.describe import describe_cron
from handlers.calendar.drafting import read_draft
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, PostDraft
from handlers.calendar.sync import KEY_FIELD, Planned, RowChange, apply, find_by_key, plan, row_key
from handlers.calendar.validation import Problem, first_occurrence, validate_draft

IMPORTER = Actor("cli", "import")
DONE = frozenset({Status.PUBLISHED, Status.SENDING})


class ImportFileError(ValueError):
    """The file itself cannot be read (format, encoding, shape)."""


@dataclass(frozen=True)
class RowReport:
    row: int  # 1-based, the header being row 1 in a CSV
    draft: PostDraft | None
    problems: tuple[Problem, ...]
    planned: Planned | None = None

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


def check_rows(rows: list[tuple[int, dict[str, str]]], community: Community, now: datetime,
               db: sqlite_utils.Database | None = None) -> list[RowReport]:
    """Read and validate every row; with `db`, also say what each row would do to the posts already there."""
    default_platform = next(p for p in ("discord", "slack", "console") if community.space(p) is not None)
    reports = []
    first_row_of: dict[str, int] = {}
    for number, fields in rows:
        present = {k: v for k, v in fields.items() if v.strip() and k != KEY_FIELD}
        key = row_key(fields)
        if key in first_row_of:
            problem = Problem("calendar.import.duplicate_key", {"key": key, "first": first_row_of[key]})
            reports.append(RowReport(number, None, (problem,)))
            continue
        first_row_of[key] = number
        existing = find_by_key(db, community.id, key) if db is not None else None
        if existing is not None and existing.status in DONE:  # went out already: nothing to check or change
            reports.append(RowReport(number, None, (), Planned(key, RowChange.PUBLISHED, existing.id)))
            continue
        draft, problems = read_draft(present, community=community.id, author=IMPORTER, zone=community.timezone,
                                     default_platform=default_platform, now=now, locale=community.locale)
        if draft is not None:
            problems = validate_draft(draft, community, now, need_time=True)
            if not problems:
                draft = replace(draft, publish_at=first_occurrence(draft, now))
        planned = plan(db, community.id, key, draft) if db is not None and draft is not None and not problems \
            else None
        reports.append(RowReport(number, draft if not problems else None, tuple(problems), planned))
    return reports


def describe(report: RowReport, community: Community, catalogue: Catalogue) -> str:
    """One line of the report, in the community's language."""
    locale = community.locale
    if not report.ok:
        text = " ".join(catalogue.string(locale, p.key, **p.values) for p in report.problems)
        return catalogue.string(locale, "calendar.import.row", row=report.row, text=text)
    change = report.planned.change.value if report.planned else "valid"
    values: dict[str, object] = {"id": str(report.planned.post_id) if report.planned else ""}
    draft = report.draft
    if draft is not None:
        when = moment(draft.publish_at.astimezone(community.tz), locale) if draft.publish_at else "—"
        if draft.cron:
            when = describe_cron(draft.cron, locale, catalogue)
        values |= {"when": when, "targets": ", ".join(str(t) for t in draft.targets)}
    text = catalogue.string(locale, f"calendar.import.{change}", **values)  # type: ignore[arg-type]
    return catalogue.string(locale, "calendar.import.row", row=report.row, text=text)


def tally(reports: list[RowReport]) -> dict[str, int]:
    counts = {change.value: 0 for change in RowChange}
    for report in reports:
        if report.planned is not None:
            counts[report.planned.change.value] += 1
    return counts


def import_all(db: sqlite_utils.Database, reports: list[RowReport], community: Community, now: datetime) -> list[int]:
    """Create the new posts and update the changed ones; call only when every row is valid."""
    if not all(r.ok for r in reports):
        raise ValueError("refusing a partial import")
    done = []
    for report in reports:
        if report.draft is None or report.planned is None:
            continue
        post_id = apply(db, report.planned, report.draft, community.calendar.approval_required, now)
        if post_id is not None:
            done.append(post_id)
    return done
