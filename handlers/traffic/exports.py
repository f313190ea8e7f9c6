"""Reading the CSV exports of GA4, Matomo and Plausible into one shape: visits and conversions per day, source,
medium and campaign.

The format is recognised from the header alone (each tool names its columns its own way), so the SMM never
says which tool a file came from. A file is read completely before anything is kept: one bad line rejects the
whole file with every problem listed by line number, so a half-imported week can never skew a report.
Numbers that are not whole counts, unknown dates and missing columns are errors, never silently zero.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

MAX_ERRORS_SHOWN = 20
NOT_SET = frozenset({"", "(not set)", "(none)", "(direct)", "-", "(not provided)"})
TOTAL_LABELS = frozenset({"grand total", "total", "totals", "total général"})


class ExportError(ValueError):
    """A file that cannot be imported: a `code` (a key under `traffic.export` in the catalogues) and the values
    that fill it, so each front door says it in the community's language (`export_text.describe`). Bad lines
    travel as `problems`; `str()` is the bare code and values, for logs."""

    def __init__(self, code: str, problems: tuple[LineProblem, ...] = (), columns: tuple[str, ...] = (),
                 **values: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.values = values
        self.problems = problems
        self.columns = columns  # the header found, when it is not one the reader knows

    def __str__(self) -> str:
        shown = {**self.values, **({"columns": list(self.columns)} if self.columns else {})}
        return f"{self.code} {shown}" + (f" ({len(self.problems)} bad lines)" if self.problems else "")


class RowProblem(ValueError):
    """Why one line cannot be read: a code under `traffic.export` and its values (never a sentence)."""

    def __init__(self, code: str, **values: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True, slots=True)
class LineProblem:
    """A bad line of an export, numbered from 1."""

    line: int
    problem: RowProblem


@dataclass(frozen=True, slots=True, order=True)
class VisitRow:
    """Visits and conversions of one day for one source, medium and campaign. `conversions` is None when the
    export does not carry conversions (never a made-up zero)."""

    day: date
    source: str
    medium: str
    campaign: str
    visits: int
    conversions: int | None


@dataclass(frozen=True)
class Layout:
    """Where one tool puts each figure: the first column name found among the candidates is used."""

    name: str  # ga4 | matomo | plausible
    label: str
    date: tuple[str, ...]
    visits: tuple[str, ...]
    campaign: tuple[str, ...]
    source: tuple[str, ...] = ()
    medium: tuple[str, ...] = ()
    source_medium: tuple[str, ...] = ()  # "source / medium" in one column (GA4)
    conversions: tuple[str, ...] = ()
    conversions_required: bool = True
    casing: str = "as-is"  # how the tool writes its column names: sentence, title or as-is

    def shown(self, name: str) -> str:
        """A column name as the tool writes it in its exports."""
        if "_" in name or self.casing == "as-is":
            return name
        return name.title() if self.casing == "title" else name[:1].upper() + name[1:]


GA4 = Layout(
    name="ga4", label="GA4",
    date=("date",),
    source_medium=("session source / medium", "source / medium", "session source/medium"),
    source=("session source", "source"), medium=("session medium", "medium"),
    campaign=("session campaign", "campaign", "session campaign name"),
    visits=("sessions",),
    conversions=("key events", "conversions", "session key events", "session conversions"),
    casing="sentence",
)
MATOMO = Layout(
    name="matomo", label="Matomo",
    date=("date",),
    source=("campaign source", "campaign_source"), medium=("campaign medium", "campaign_medium"),
    campaign=("campaign name", "campaign_name", "campaign"),
    visits=("visits", "nb_visits"),
    conversions=("conversions", "nb_conversions", "goal conversions"),
    casing="title",
)
PLAUSIBLE = Layout(
    name="plausible", label="Plausible",
    date=("date",),
    source=("utm_source",), medium=("utm_medium",),
    campaign=("utm_campaign",),
    visits=("visits",),
    conversions=("conversions", "total_conversions", "events"),
    conversions_required=False,
)
LAYOUTS = (GA4, MATOMO, PLAUSIBLE)


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().lower())


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


@dataclass(frozen=True)
class Columns:
    layout: Layout
    date: int
    visits: int
    campaign: int
    source: int | None
    medium: int | None
    source_medium: int | None
    conversions: int | None


def _columns(layout: Layout, header: list[str]) -> Columns | None:
    found = {key: _find(header, getattr(layout, key)) for key in
             ("date", "visits", "campaign", "source", "medium", "source_medium", "conversions")}
    if found["date"] is None or found["visits"] is None or found["campaign"] is None:
        return None
    if found["source_medium"] is None and found["source"] is None:
        return None
    if layout.conversions_required and found["conversions"] is None:
        return None
    return Columns(layout=layout, **found)  # type: ignore[arg-type]


def detect(header: list[str]) -> Columns:
    """The layout whose columns the header holds; a clear error naming every expected layout otherwise."""
    normalised = [_norm(h) for h in header]
    for layout in LAYOUTS:
        columns = _columns(layout, normalised)
        if columns is not None:
            return columns
    raise ExportError("unrecognised", columns=tuple(h.strip() for h in header if h.strip()))


_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")


@lru_cache(maxsize=4096)
def _date(text: str) -> date:
    """`2026-11-02` or `20261102` (GA4); cached, as an export repeats each day on many lines."""
    match = _DATE.match(text.strip())
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        pass
    raise RowProblem("not_date", text=text)


_GROUPED = re.compile(r"^\d{1,3}([,\u202f\u00a0 ]\d{3})+$")


def _count(text: str, what: str) -> int:
    value = text.strip()
    if _GROUPED.match(value):
        value = re.sub(r"[,\u202f\u00a0 ]", "", value)
    try:
        number = float(value)
    except ValueError:
        raise RowProblem("not_number", what=what, text=text) from None
    if number < 0 or number != int(number):
        raise RowProblem("not_whole", what=what, text=text)
    return int(number)


def _label(text: str) -> str:
    value = text.strip().lower()
    return "" if value in NOT_SET else value


def _split_source_medium(text: str) -> tuple[str, str]:
    source, _, medium = text.partition("/")
    return _label(source), _label(medium)


def _delimiter(line: str) -> str:
    return max((",", ";", "\t"), key=line.count)


def _content_lines(text: str) -> list[tuple[int, str]]:
    """Lines with their numbers, without GA4's `#` preamble and blank lines."""
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def parse_export(text: str) -> tuple[str, list[VisitRow]]:
    """(layout name, rows) of a whole export; `ExportError` listing every bad line otherwise."""
    lines = _content_lines(text)
    if not lines:
        raise ExportError("empty")
    delimiter = _delimiter(lines[0][1])
    numbers = [n for n, _ in lines]
    records = list(csv.reader(io.StringIO("\n".join(line for _, line in lines)), delimiter=delimiter))
    columns = detect(records[0])
    rows: list[VisitRow] = []
    errors: list[LineProblem] = []
    for number, record in zip(numbers[1:], records[1:], strict=True):
        try:
            row = _row(columns, record)
        except RowProblem as problem:
            errors.append(LineProblem(number, problem))
            continue
        if row is not None:
            rows.append(row)
    if errors:
        raise ExportError("bad_lines", tuple(errors), count=len(errors))
    if not rows:
        raise ExportError("no_rows")
    return columns.layout.name, rows


def _cell(record: list[str], index: int | None) -> str:
    if index is None:
        return ""
    if index >= len(record):
        raise RowProblem("missing_column", column=index + 1, found=len(record))
    return record[index]


def _row(columns: Columns, record: list[str]) -> VisitRow | None:
    if not any(cell.strip() for cell in record):
        return None
    first = record[0] if record else ""
    if first[:1].isalpha() and _norm(first) in TOTAL_LABELS:  # a totals line repeats the rows: never counted
        return None
    day = _date(_cell(record, columns.date))
    if columns.source_medium is not None:
        source, medium = _split_source_medium(_cell(record, columns.source_medium))
    else:
        source, medium = _label(_cell(record, columns.source)), _label(_cell(record, columns.medium))
    conversions_text = _cell(record, columns.conversions) if columns.conversions is not None else None
    conversions = _count(conversions_text, "conversions") if conversions_text not in (None, "") else None
    if columns.conversions is not None and conversions is None:
        conversions = 0 if columns.layout.conversions_required else None
    return VisitRow(day=day, source=source, medium=medium, campaign=_label(_cell(record, columns.campaign)),
                    visits=_count(_cell(record, columns.visits), "visits"), conversions=conversions)


def combine(rows: Iterable[VisitRow]) -> list[VisitRow]:
    """Rows summed by (day, source, medium, campaign): exports split the same traffic by other dimensions."""
    totals: dict[tuple[date, str, str, str], tuple[int, int | None]] = {}
    for row in rows:
        key = (row.day, row.source, row.medium, row.campaign)
        visits, conversions = totals.get(key, (0, None))
        if row.conversions is not None:
            conversions = (conversions or 0) + row.conversions
        totals[key] = (visits + row.visits, conversions)
    return sorted(VisitRow(*key, visits, conversions) for key, (visits, conversions) in totals.items())


def read_export(path: Path) -> tuple[str, list[VisitRow]]:
    """Read an export file (UTF-8, with or without BOM)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError("not_utf8", name=path.name) from None
    except OSError as error:
        raise ExportError("unreadable", name=path.name, reason=error.strerror or type(error).__name__) from None
    layout, rows = parse_export(text)
    return layout, combine(rows)
