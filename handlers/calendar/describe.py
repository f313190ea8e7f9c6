"""A recurrence in words, in the community's language: « tous les lundis à 09:00 », "every weekday at 18:30".

Whatever was typed (`every=lundi 9h` or a raw `cron=0 9 * * 1`), people read the rule as a sentence, never as
cron syntax. The sentence is built from the parsed fields, so any cron expression gets one: common shapes read
naturally, unusual ones (several hours, several months) list what they hold.
"""

from __future__ import annotations

from babel.dates import format_time, get_day_names, get_month_names
from babel.lists import format_list

from bot.i18n import Catalogue
from handlers.calendar.recurrence import Cron

MAX_TIMES_LISTED = 4
WORK_WEEK = frozenset({1, 2, 3, 4, 5})  # cron numbering: Sunday 0


def _ordinal(day: int, lang: str) -> str:
    if lang == "fr":
        return "1er" if day == 1 else str(day)
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _day_names(weekdays: frozenset[int], lang: str) -> str:
    names = get_day_names("wide", locale=lang)
    # cron counts from Sunday (0), Babel from Monday (0); a week reads Monday first
    ordered = sorted(weekdays, key=lambda d: (d - 1) % 7)
    words = [names[(d - 1) % 7] + ("s" if lang == "fr" else "") for d in ordered]
    return format_list(words, locale=lang)


def _times(cron: Cron, lang: str, catalogue: Catalogue) -> str:
    times = cron.times()
    shown = [format_time(t, format="HH:mm", locale=lang) for t in times]
    if len(times) <= MAX_TIMES_LISTED:
        return format_list(shown, locale=lang)
    return catalogue.string(lang, "calendar.every.many_times", count=len(times), first=shown[0], last=shown[-1])


def describe_cron(expression: str, lang: str, catalogue: Catalogue) -> str:
    """The sentence for a cron expression (which must be valid: it was checked when the post was saved)."""
    cron = Cron.parse(expression)
    times = _times(cron, lang, catalogue)
    weekdays, days = cron.weekdays, cron.days
    if weekdays.restricted and days.restricted:
        key = "calendar.every.weekly_and_monthly"
    elif days.restricted:
        key = "calendar.every.monthly"
    elif weekdays.restricted and weekdays.values == WORK_WEEK:
        key = "calendar.every.weekdays"
    elif weekdays.restricted and len(weekdays.values) < 7:
        key = "calendar.every.weekly"
    else:
        key = "calendar.every.daily"
    sentence = catalogue.string(
        lang, key, times=times, weekdays=_day_names(weekdays.values, lang),
        dates=format_list([_ordinal(d, lang) for d in sorted(days.values)], locale=lang),
    )  # fmt: skip
    if cron.months.restricted:
        months = get_month_names("wide", locale=lang)
        named = format_list([months[m] for m in sorted(cron.months.values)], locale=lang)
        sentence = catalogue.string(lang, "calendar.every.in_months", rule=sentence, months=named)
    return sentence

