"""Publish times as people write them, in French or English: « demain 10h », « lundi prochain 9h »,
« le 3 décembre à 18h30 », « 24/11/2026 10:00 », "tomorrow 10am", "next monday 9am", "2026-12-03 18:30".

A small grammar rather than a general-purpose parser: general parsers read « 10h » as "ten hours from now" and
guess silently between 3 April and March 4. Here every accepted form is listed, the numeric date order is the
community's (day first in French; in English a date like 03/04 that reads both ways is *ambiguous*), and an
hour with no am/pm in English (« at 9 ») is ambiguous too. Ambiguity is never resolved by a guess: the caller
gets both readings and asks. Times are wall-clock times in the community's timezone; relative words (demain,
next monday) count from `now` in that timezone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names, get_month_names

from handlers.calendar.recurrence import place

_AMPM = re.compile(r"\b(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?\s?m\b\.?")
_FRENCH_TIME = re.compile(r"\b(\d{1,2})\s?h\s?(\d{2})?\b")
_COLON_TIME = re.compile(r"\b(\d{1,2}):(\d{2})(?::00)?\b")
_BARE_HOUR = re.compile(r"\b(?:a|at|vers)\s+(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?$")
_NAMED_TIMES = {"midi": time(12), "noon": time(12), "minuit": time(0), "midnight": time(0)}
_FILLER = {"le", "la", "a", "at", "on", "the", "de", "du", "of", "ce", "cette", "this", "en", "in", ","}
_RELATIVE = {"aujourd'hui": 0, "aujourdhui": 0, "today": 0, "demain": 1, "tomorrow": 1, "apres-demain": 2}
_NEXT = {"prochain", "prochaine", "next"}


class UnreadableWhen(ValueError):
    """The text is not a date and time in any form we read."""


@dataclass(frozen=True)
class AmbiguousWhen(ValueError):
    """The text reads two ways; `readings` holds both, earliest first, for the question to the author."""

    text: str
    readings: tuple[datetime, datetime]


def _fold(text: str) -> str:
    text = text.casefold().replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.replace(",", " ")).strip()


@cache
def _weekdays() -> dict[str, int]:
    """Day names and abbreviations in French and English -> Python weekday (Monday 0)."""
    names: dict[str, int] = {}
    for lang in ("fr", "en"):
        for width in ("wide", "abbreviated"):
            for index, name in get_day_names(width, locale=lang).items():
                names[_fold(name).rstrip(".")] = index
    return names


@cache
def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for lang in ("fr", "en"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for index, name in get_month_names(width, context, locale=lang).items():
                    names[_fold(name).rstrip(".")] = index
    names["sept"] = 9
    return names


def _clock(hour: str, minute: str | None) -> time:
    h, m = int(hour), int(minute or 0)
    if h > 23 or m > 59:
        raise UnreadableWhen(f"no such time {hour}:{minute}")
    return time(h, m)


def _split_time(text: str, lang: str) -> tuple[str, list[time]]:
    """Take the time of day out of `text`: the rest, and one or two readings of the time (none if absent)."""
    if match := _AMPM.search(text):
        h, m = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= h <= 12 or m > 59:
            raise UnreadableWhen(text)
        h = h % 12 + (12 if match.group(3) == "p" else 0)
        return text[: match.start()] + text[match.end():], [time(h, m)]
    for pattern in (_FRENCH_TIME, _COLON_TIME):
        if match := pattern.search(text):
            return text[: match.start()] + text[match.end():], [_clock(match.group(1), match.group(2))]
    for word, named in _NAMED_TIMES.items():
        if re.search(rf"\b{word}\b", text):
            return re.sub(rf"\b(a |at )?{word}\b", " ", text), [named]
    if match := _BARE_HOUR.search(text):
        hour = int(match.group(1))
        if hour > 23:
            raise UnreadableWhen(text)
        readings = [time(hour)]
        if lang == "en" and 1 <= hour <= 11:  # "at 9": morning or evening?
            readings.append(time(hour + 12))
        return text[: match.start()], readings
    return text, []


def _next_date(day: int, month: int, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise UnreadableWhen(f"no such date {day}/{month}")


def _dates(words: list[str], today: date, lang: str) -> list[date]:
    """The date (or two readings of it) that `words` name; [] when they name none."""
    if not words:
        return []
    text = " ".join(words)
    if text in _RELATIVE or text == "day after tomorrow":
        return [today + timedelta(days=_RELATIVE.get(text, 2))]
    if match := _NUMERIC_DATE.match(text):
        first, second, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        # day first in French; in English month first, and a date that reads both ways (03/04) is ambiguous
        orders = [(first, second), (second, first)] if lang != "en" else [(second, first), (first, second)]
        found = []
        for day, month in orders:
            try:
                if year_text:
                    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
                    found.append(date(year, month, day))
                else:
                    found.append(_next_date(day, month, today))
            except ValueError:
                continue
        if not found:
            raise UnreadableWhen(text)
        if lang != "en" or len(set(found)) == 1:
            return found[:1]
        return sorted(set(found))
    weekdays, months = _weekdays(), _months()
    rest = [w for w in words if w not in _NEXT]
    if len(rest) == 1 and rest[0].rstrip(".") in weekdays:
        wanted = weekdays[rest[0].rstrip(".")]
        ahead = (wanted - today.weekday()) % 7
        if ahead == 0 and len(rest) != len(words):  # "lundi prochain" said on a Monday: in a week
            ahead = 7
        return [today + timedelta(days=ahead)]
    rest = [w.rstrip(".") for w in rest if w.rstrip(".") not in weekdays]  # « lundi 23 novembre »
    numbers = [w.removesuffix("er").removesuffix("st").removesuffix("nd").removesuffix("rd").removesuffix("th")
               for w in rest]
    named_months = [months[w] for w in rest if w in months]
    digits = [int(n) for n in numbers if n.isdigit()]
    if len(named_months) == 1 and len(digits) in (1, 2) and len(rest) == len(digits) + 1:
        day = digits[0] if digits[0] <= 31 else digits[-1]
        years = [d for d in digits if d > 31]
        if years:
            return [date(years[0], named_months[0], day)]
        return [_next_date(day, named_months[0], today)]
    raise UnreadableWhen(text)


def read_when(text: str, zone: str, now: datetime, lang: str) -> datetime:
    """The instant `text` names, in `zone`. Raises `AmbiguousWhen` (two readings) or `UnreadableWhen`."""
    stripped = text.strip()
    try:
        instant = datetime.fromisoformat(stripped.replace(" ", "T", 1))
    except ValueError:
        pass
    else:
        if instant.tzinfo is None and len(stripped) <= 10:
            raise UnreadableWhen(text)  # a date with no time: say which hour
        return instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo(zone))
    tz = ZoneInfo(zone)
    local_now = now.astimezone(tz)
    folded = _fold(stripped)
    rest, times = _split_time(folded, lang)
    if not times:
        raise UnreadableWhen(text)
    words = [w for w in rest.replace("'", "' ").replace("aujourd' hui", "aujourd'hui").split() if w not in _FILLER]
    days = _dates(words, local_now.date(), lang)
    if not days:  # a time alone: its next occurrence
        today = local_now.date()
        days = [today if datetime.combine(today, times[0], tzinfo=tz) > local_now else today + timedelta(days=1)]
    readings = sorted({place(day, wall, tz).astimezone(tz) for day in days for wall in times})
    if len(readings) > 1:
        raise AmbiguousWhen(text, (readings[0], readings[1]))
    return readings[0]


def read_day(text: str, zone: str, now: datetime, lang: str) -> date:
    """A date alone (an end date): « 30/06/2027 », « 30 juin », "june 30", "2027-06-30"."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    today = now.astimezone(ZoneInfo(zone)).date()
    words = [w for w in _fold(text).split() if w not in _FILLER]
    days = _dates(words, today, lang)
    if len(days) > 1:
        tz = ZoneInfo(zone)
        raise AmbiguousWhen(text, tuple(datetime.combine(d, time(), tzinfo=tz) for d in days[:2]))  # type: ignore[arg-type]
    if not days:
        raise UnreadableWhen(text)
    return days[0]


def moment(when: datetime, locale: str) -> str:
    """« jeudi 26 novembre 2026, 18:00 »: the day named, no seconds, as a person says a publication time."""
    day = format_date(when, "full", locale=locale)
    return f"{day}, {format_time(when, 'HH:mm', tzinfo=when.tzinfo, locale=locale)}"
