"""The owner of `traffic_visits` and `traffic_days`: loading days of traffic and reading them back.

A load replaces whole days: every day from the first to the last of a file (or of a pull) is deleted and
written again in one transaction, days without a row included (no row means no visit that day). Importing
the same export twice, or an export that overlaps the last one, therefore never counts a visit twice, and the
most recent load of a day is the one that counts, whichever tool it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from handlers.traffic.exports import VisitRow
from handlers.traffic.migrations import DAYS, VISITS

ORIGINS = ("ga4", "matomo", "plausible")


@dataclass(frozen=True, slots=True)
class Load:
    """What a load did: rows written, days covered, and how many of those days were known before."""

    origin: str
    rows: int
    first_day: date
    last_day: date
    days: int
    replaced_days: int


def day_span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def replace_days(db: sqlite_utils.Database, community: str, rows: Sequence[VisitRow], origin: str, via: str,
                 now: datetime, first: date | None = None, last: date | None = None) -> Load:
    """Replace the days [first, last] (default: the rows' own span) of `community` with `rows`, atomically."""
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    if first is None or last is None:
        if not rows:
            raise ValueError("no rows and no span: nothing to load")
        first = first or min(r.day for r in rows)
        last = last or max(r.day for r in rows)
    outside = [r for r in rows if not first <= r.day <= last]
    if outside:
        raise ValueError(f"row of {outside[0].day} outside the loaded span {first}..{last}")
    days = day_span(first, last)
    with db.atomic():
        (known,) = db.execute(f"SELECT count(*) FROM {DAYS} WHERE community = ? AND day >= ? AND day <= ?",
                              [community, first.isoformat(), last.isoformat()]).fetchone()
        db.execute(f"DELETE FROM {VISITS} WHERE community = ? AND day >= ? AND day <= ?",
                   [community, first.isoformat(), last.isoformat()])
        db.execute(f"DELETE FROM {DAYS} WHERE community = ? AND day >= ? AND day <= ?",
                   [community, first.isoformat(), last.isoformat()])
        db.conn.executemany(
            f"INSERT INTO {VISITS} (community, day, source, medium, campaign, visits, conversions)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(community, r.day.isoformat(), r.source, r.medium, r.campaign, r.visits, r.conversions) for r in rows],
        )
        db.conn.executemany(
            f"INSERT INTO {DAYS} (community, day, origin, via, loaded_at) VALUES (?, ?, ?, ?, ?)",
            [(community, d.isoformat(), origin, via, now.isoformat()) for d in days],
        )
    return Load(origin=origin, rows=len(rows), first_day=first, last_day=last, days=len(days), replaced_days=known)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which of a period's days are known, and the tools (origin, via) they came from."""

    days_known: int
    days_total: int
    origins: tuple[tuple[str, str], ...]

    @property
    def complete(self) -> bool:
        return self.days_known == self.days_total


def coverage(db: sqlite_utils.Database, community: str, days: Sequence[date]) -> Coverage:
    rows = db.execute(
        f"SELECT origin, via, count(*) FROM {DAYS} WHERE community = ? AND day >= ? AND day <= ?"
        " GROUP BY origin, via ORDER BY count(*) DESC, origin",
        [community, min(days).isoformat(), max(days).isoformat()],
    ).fetchall()
    return Coverage(days_known=sum(r[2] for r in rows), days_total=len(days),
                    origins=tuple((r[0], r[1]) for r in rows))


@dataclass(frozen=True, slots=True)
class Visits:
    """Visits and conversions of one slice of traffic; `conversions` None when some row of it had no count."""

    visits: int
    conversions: int | None

    @property
    def conversion_rate(self) -> float | None:
        if self.conversions is None or not self.visits:
            return None
        return self.conversions / self.visits


def _slices(db: sqlite_utils.Database, community: str, days: Sequence[date], group: str,
            where: str = "", params: Sequence[str] = ()) -> dict[tuple[str, ...], Visits]:
    columns = f"{group}, " if group else ""
    rows = db.execute(
        f"SELECT {columns}sum(visits), sum(conversions), sum(conversions IS NULL) FROM {VISITS}"
        f" WHERE community = ? AND day >= ? AND day <= ?{where}" + (f" GROUP BY {group}" if group else ""),
        [community, min(days).isoformat(), max(days).isoformat(), *params],
    ).fetchall()
    width = len(group.split(",")) if group else 0
    result: dict[tuple[str, ...], Visits] = {}
    for row in rows:
        visits, conversions, unknown = row[width], row[width + 1], row[width + 2]
        if visits is None:
            continue
        result[tuple(row[:width])] = Visits(int(visits), None if unknown else int(conversions or 0))
    return result


def _in(sources: Sequence[str]) -> tuple[str, list[str]]:
    if not sources:
        return " AND 0", []
    return f" AND source IN ({', '.join('?' for _ in sources)})", list(sources)


def totals(db: sqlite_utils.Database, community: str, days: Sequence[date],
           sources: Sequence[str] | None = None) -> Visits:
    """All traffic of the days (`sources` None) or only the traffic of those utm sources."""
    where, params = _in(sources) if sources is not None else ("", [])
    found = _slices(db, community, days, "", where, params)
    return found.get((), Visits(0, 0))


def by_source(db: sqlite_utils.Database, community: str, days: Sequence[date],
              sources: Sequence[str]) -> dict[str, Visits]:
    where, params = _in(sources)
    return {key[0]: value for key, value in _slices(db, community, days, "source", where, params).items()}


def by_source_campaign(db: sqlite_utils.Database, community: str, days: Sequence[date],
                       sources: Sequence[str]) -> dict[tuple[str, str], Visits]:
    where, params = _in(sources)
    found = _slices(db, community, days, "source, campaign", where, params)
    return {(key[0], key[1]): value for key, value in found.items()}


def other_sources(db: sqlite_utils.Database, community: str, days: Sequence[date], sources: Sequence[str],
                  limit: int) -> list[tuple[str, Visits]]:
    """The biggest sources outside the community (context beside the community's own traffic)."""
    where, params = _in(sources)
    where = where.replace(" AND source IN", " AND source NOT IN") if sources else ""
    found = _slices(db, community, days, "source", where, params if sources else [])
    ranked = sorted(found.items(), key=lambda item: (-item[1].visits, item[0][0]))
    return [(key[0] or "(direct)", value) for key, value in ranked[:limit]]
