"""Recurring posts: a cron expression read in the community's wall-clock time, with an end date or a count.

We compute occurrences ourselves instead of asking APScheduler's `CronTrigger`: it fires twice in the hour that
repeats when summer time ends (02:30 on 2026-10-25 in Paris). Here an occurrence is a *wall-clock* time on a
local date, produced once per date, then placed on the timeline: a time that does not exist (the hour skipped
in March) moves forward by the gap, a time that exists twice (the hour repeated in October) takes its first
instant. The readable form (`every=monday 09:00`, `every=lundi 9h`) is translated into the same cron syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = {
    "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    "dimanche": 0, "lundi": 1, "mardi": 2, "mercredi": 3, "jeudi": 4, "vendredi": 5, "samedi": 6,
    "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
}
EVERY_DAY = {"day", "days", "jour", "jours", "daily", "quotidien"}
WORK_DAYS = {"weekday", "weekdays", "ouvré", "ouvrés", "ouvre", "ouvres", "semaine"}
MONTHLY = {"month", "mois"}
FILLER = {"every", "each", "on", "at", "tous", "toutes", "les", "le", "à", "a", "chaque", "du", "de", "en", "the",
          "of", "in"}
AND = {"et", "and", "&"}  # « les lundis et jeudis », "monday and thursday"
TO = {"au", "to", "through"}  # « du lundi au vendredi », "monday to friday"
_ORDINAL = re.compile(r"^(?P<day>\d{1,2})(?:er|re|e|ème|st|nd|rd|th)?$")  # 1er, 2e, 1st, 15th
_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:h.](?P<m>\d{2})?)?(?P<ampm>[ap]\.?m\.?)?$")
# how far ahead we look for the next occurrence: a cron that never matches ("31 2 *") must not loop for ever
SEARCH_DAYS = 366 * 5


class RecurrenceError(ValueError):
    """A recurrence that cannot be read: a catalogue key (`calendar.recurrence.*`) and the values it names."""

    def __init__(self, key: str, **values: str | int) -> None:
        super().__init__(f"{key} {values}")
        self.key = f"calendar.recurrence.{key}"
        self.values = values


@dataclass(frozen=True, slots=True)
class _Field:
    values: frozenset[int]
    restricted: bool  # False for "*": matters for the day-of-month / day-of-week OR rule


def _parse_field(text: str, low: int, high: int, name: str, names: dict[str, int] | None = None) -> _Field:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, _, step_text = part.partition("/")
            if not step_text.isdigit() or int(step_text) == 0:
                raise RecurrenceError("bad_step", field=name, value=step_text)
            step = int(step_text)
        if part == "*":
            start, end = low, high
        else:
            bounds = [_number(b, name, names) for b in part.split("-", 1)]
            start, end = bounds[0], bounds[-1]
            if "/" in text and len(bounds) == 1:
                end = high
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise RecurrenceError("out_of_range", field=name, low=low, high=high)
        values.update(range(start, end + 1, step))
    return _Field(frozenset(values), text != "*")


def _number(token: str, name: str, names: dict[str, int] | None) -> int:
    if names and token.lower() in names:
        return names[token.lower()]
    if not token.isdigit():
        raise RecurrenceError("unreadable", field=name, value=token)
    return int(token)


@dataclass(frozen=True, slots=True)
class Cron:
    """A five-field cron expression: minute hour day-of-month month day-of-week (0 or 7 = Sunday)."""

    expression: str
    minutes: _Field
    hours: _Field
    days: _Field
    months: _Field
    weekdays: _Field

    @classmethod
    def parse(cls, expression: str) -> Cron:
        fields = expression.split()
        if len(fields) != 5:
            raise RecurrenceError("five_fields")
        weekdays = _parse_field(fields[4], 0, 7, "weekday", DAY_NAMES)
        weekdays = _Field(frozenset(d % 7 for d in weekdays.values), weekdays.restricted)
        return cls(
            " ".join(fields),
            _parse_field(fields[0], 0, 59, "minute"),
            _parse_field(fields[1], 0, 23, "hour"),
            _parse_field(fields[2], 1, 31, "day"),
            _parse_field(fields[3], 1, 12, "month"),
            weekdays,
        )

    def matches_date(self, day: date) -> bool:
        if day.month not in self.months.values:
            return False
        by_day = day.day in self.days.values
        by_weekday = (day.isoweekday() % 7) in self.weekdays.values
        if self.days.restricted and self.weekdays.restricted:
            return by_day or by_weekday
        return by_day and by_weekday

    def times(self) -> list[time]:
        return [time(h, m) for h in sorted(self.hours.values) for m in sorted(self.minutes.values)]


def readable_to_cron(text: str) -> str:
    """A recurrence as people write it, in French or English, to a cron expression: `lundi 9h`, « tous les
    lundis et jeudis à 18h30 », « du lundi au vendredi à 9h », « le 1er de chaque mois à 10h », "every weekday
    9am", "on the 1st of every month at 10:00". What `describe_cron` writes reads back to the same rule."""
    spaced = re.sub(r"(\d)\s+([ap]\.?m\b)", r"\1\2", text.lower()).replace(",", " , ")
    words = [w for w in spaced.split() if w not in FILLER]
    if len(words) < 2:
        raise RecurrenceError("day_time")
    clock = _TIME.match(words[-1])
    if clock is None:
        raise RecurrenceError("time_of_day", value=words[-1])
    hour, minute = int(clock.group("h")), int(clock.group("m") or 0)
    if clock.group("ampm"):  # 9am, 6:30pm, 12am (midnight)
        if not 1 <= hour <= 12:
            raise RecurrenceError("time_of_day", value=words[-1])
        hour = hour % 12 + (12 if clock.group("ampm").startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise RecurrenceError("time_of_day", value=words[-1])
    head = [w for w in words[:-1] if w not in AND and w != ","]
    if not head:
        raise RecurrenceError("day_time")
    if any(w in MONTHLY for w in head):
        dates = [_ORDINAL.match(w) for w in head if w not in MONTHLY]
        if len(dates) != 1 or dates[0] is None or not 1 <= int(dates[0].group("day")) <= 31:
            raise RecurrenceError("monthly")
        return f"{minute} {hour} {int(dates[0].group('day'))} * *"
    if len(head) == 1 and head[0] in EVERY_DAY:
        return f"{minute} {hour} * * *"
    if len(head) == 1 and head[0] in WORK_DAYS:
        return f"{minute} {hour} * * 1-5"
    if len(head) == 3 and head[1] in TO:  # a range of days
        first, last = _day(head[0]), _day(head[2])
        if first == 0 or last == 0:  # a week reads Monday first: Sunday closes it
            last = 7 if last == 0 else last
        if not first < last:
            raise RecurrenceError("day_name", value=" ".join(head))
        return f"{minute} {hour} * * {first}-{last}" if last < 7 else f"{minute} {hour} * * {first}-6,0"
    if any(w in TO for w in head):
        raise RecurrenceError("day_time")
    days = sorted({_day(name) for word in head for name in word.split(",") if name})
    return f"{minute} {hour} * * {','.join(str(d) for d in days)}"


def _day(name: str) -> int:
    """A day name, singular or plural (« lundis », "mondays"), in cron numbering (Sunday 0)."""
    if name not in DAY_NAMES and name.rstrip("s") in DAY_NAMES:
        name = name.rstrip("s")
    if name not in DAY_NAMES:
        raise RecurrenceError("day_name", value=name)
    return DAY_NAMES[name]


def place(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time: skipped times move forward by the gap, repeated ones come first."""
    # PEP 495: with fold=0 a time in the spring gap takes the offset before the change, which lands just after
    # the gap (02:30 -> 03:30 summer time); a time in the autumn overlap takes its first instant.
    return datetime.combine(day, wall, tzinfo=zone).replace(fold=0).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """When a recurring post occurs: a cron in `timezone`, stopping after `until` (inclusive) or `count` times."""

    cron: Cron
    timezone: str
    until: datetime | None = None
    count: int | None = None

    @classmethod
    def build(cls, cron: str, timezone: str, until: datetime | None = None, count: int | None = None) -> Recurrence:
        if until is not None and count is not None:
            raise RecurrenceError("until_and_count")
        if count is not None and count < 1:
            raise RecurrenceError("count")
        return cls(Cron.parse(cron), timezone, until, count)

    def occurrences(self, start: datetime) -> Iterator[datetime]:
        """Occurrences at or after `start` (UTC instants, in order), ignoring `count`."""
        zone = ZoneInfo(self.timezone)
        day = start.astimezone(zone).date()
        for _ in range(SEARCH_DAYS):
            if self.cron.matches_date(day):
                for wall in self.cron.times():
                    instant = place(day, wall, zone)
                    if instant < start:
                        continue
                    if self.until is not None and instant > self.until:
                        return
                    yield instant
            day += timedelta(days=1)

    def after(self, anchor: datetime, previous: datetime | None, done: int) -> datetime | None:
        """The next occurrence strictly after `previous` (or from `anchor`), given `done` occurrences so far."""
        if self.count is not None and done >= self.count:
            return None
        start = anchor if previous is None else previous + timedelta(seconds=1)
        return next(self.occurrences(start), None)
