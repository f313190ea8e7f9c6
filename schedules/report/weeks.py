"""ISO weeks in a community's timezone, safe across daylight-saving changes.

A report week runs from Monday 00:00 to the next Monday 00:00 *local time*; in a DST week that is 167 or 169
hours, never 168. We therefore never add hours to find a boundary: each day's start is the local midnight
converted to UTC, and the engagement log (UTC epoch seconds) is read by those ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise ValueError(f"{self.year}-W{self.week:02d} is not an ISO week") from None

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Read `2026-W47` (or `2026W47`); a clear ValueError otherwise."""
        match = _WEEK.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a week; write it like 2026-W47")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of_date(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def containing(cls, instant: datetime, tz: ZoneInfo) -> IsoWeek:
        return cls.of_date(instant.astimezone(tz).date())

    @classmethod
    def last_complete(cls, now: datetime, tz: ZoneInfo) -> IsoWeek:
        """The most recent week that has fully ended at `now` in `tz`."""
        return cls.containing(now, tz).shift(-1)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.of_date(self.monday + timedelta(weeks=weeks))

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the week in UTC."""
        return local_midnight(self.monday, tz), local_midnight(self.monday + timedelta(days=7), tz)

    def epoch_bounds(self, tz: ZoneInfo) -> tuple[int, int]:
        start, end = self.bounds(tz)
        return int(start.timestamp()), int(end.timestamp())


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) the local `day` starts in `tz`."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def day_epoch_bounds(day: date, tz: ZoneInfo) -> tuple[int, int]:
    return int(local_midnight(day, tz).timestamp()), int(local_midnight(day + timedelta(days=1), tz).timestamp())
