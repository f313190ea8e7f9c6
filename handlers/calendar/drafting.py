"""Reading a post from loose fields (command options, a modal, an import row) into a `PostDraft`.

All three entry points accept the same field names, documented in docs/calendar.md:
body, at, to, every, cron, until, count, campaign, pillar, discord, slack, attachments, utm.
A field that cannot be read becomes a `Problem` naming it; reading never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from handlers.calendar.dates import AmbiguousWhen, UnreadableWhen, moment, read_day, read_when
from handlers.calendar.posts import Actor, PostDraft
from handlers.calendar.recurrence import RecurrenceError, readable_to_cron
from handlers.calendar.validation import Problem, parse_targets

FIELDS = ("body", "at", "to", "every", "cron", "until", "count", "campaign", "pillar", "discord", "slack",
          "attachments", "utm")
TRUE = {"true", "yes", "oui", "1", "on"}
FALSE = {"false", "no", "non", "0", "off"}


def _text(fields: Mapping[str, object], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    text = str(value).strip() if not isinstance(value, bool) else ("yes" if value else "no")
    return text or None


def _ambiguous(field: str, value: str, error: AmbiguousWhen, locale: str) -> Problem:
    first, second = error.readings
    return Problem(f"calendar.invalid.{field}_ambiguous", {"value": value, "first": moment(first, locale),
                                                          "second": moment(second, locale),
                                                          "first_iso": f"{first:%Y-%m-%d %H:%M}",
                                                          "second_iso": f"{second:%Y-%m-%d %H:%M}"})


def read_schedule(fields: Mapping[str, object], zone: str, *, now: datetime | None = None,
                  locale: str = "fr") -> tuple[dict[str, Any], list[Problem]]:
    """publish_at / cron / until / max_count from `at`, `every` or `cron`, `until`, `count`.

    `at` and `until` are read as people write them in `locale` (« demain 10h », "next monday 9am"), counting
    from `now`; a time that reads two ways becomes a problem that quotes both readings.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    now = now or datetime.now(UTC)
    at, every, cron = _text(fields, "at"), _text(fields, "every"), _text(fields, "cron")
    if at:
        try:
            values["publish_at"] = read_when(at, zone, now, locale)
        except AmbiguousWhen as error:
            problems.append(_ambiguous("at", at, error, locale))
        except UnreadableWhen:
            problems.append(Problem("calendar.invalid.at", {"value": at}))
    if every and cron:
        problems.append(Problem("calendar.invalid.every_and_cron"))
    elif every:
        try:
            values["cron"] = readable_to_cron(every)
        except RecurrenceError as error:
            problems.append(Problem(error.key, dict(error.values)))
    elif cron:
        values["cron"] = cron
    until = _text(fields, "until")
    if until:
        try:
            day = read_day(until, zone, now, locale)
            values["until"] = datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(zone))
        except AmbiguousWhen as error:
            problems.append(_ambiguous("until", until, error, locale))
        except UnreadableWhen:
            try:
                values["until"] = read_when(until, zone, now, locale)
            except (AmbiguousWhen, UnreadableWhen):
                problems.append(Problem("calendar.invalid.until", {"value": until}))
    count = fields.get("count")
    if count not in (None, ""):
        try:
            values["max_count"] = int(str(count))
        except ValueError:
            problems.append(Problem("calendar.invalid.count", {"value": str(count)}))
    if ("until" in values or "max_count" in values) and "cron" not in values:
        problems.append(Problem("calendar.invalid.end_without_recurrence"))
    return values, problems


def read_content(fields: Mapping[str, object], default_platform: str) -> tuple[dict[str, Any], list[Problem]]:
    """body, variants, targets, attachments, campaign, pillar, utm: only the fields present."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    if (body := _text(fields, "body")) is not None:
        values["body"] = body.replace("\\n", "\n")
    variants = {p: v.replace("\\n", "\n") for p in ("discord", "slack") if (v := _text(fields, p))}
    if variants:
        values["variants"] = variants
    if (to := _text(fields, "to")) is not None:
        values["targets"] = parse_targets(to, default_platform)
    if (attachments := _text(fields, "attachments")) is not None:
        values["attachments"] = tuple(u for u in attachments.replace(",", " ").split() if u)
    for name in ("campaign", "pillar"):
        if (value := _text(fields, name)) is not None:
            values[name] = value
    if (utm := _text(fields, "utm")) is not None:
        if utm.lower() not in TRUE | FALSE:
            problems.append(Problem("calendar.invalid.utm", {"value": utm}))
        else:
            values["utm"] = utm.lower() in TRUE
    return values, problems


def read_draft(fields: Mapping[str, object], *, community: str, author: Actor, zone: str,
               default_platform: str, now: datetime | None = None,
               locale: str = "fr") -> tuple[PostDraft | None, list[Problem]]:
    unknown = [name for name in fields if name not in FIELDS]
    problems = [Problem("calendar.invalid.unknown_field", {"field": name}) for name in unknown]
    content, content_problems = read_content(fields, default_platform)
    schedule, schedule_problems = read_schedule(fields, zone, now=now, locale=locale)
    problems += content_problems + schedule_problems
    if "body" not in content:
        problems.append(Problem("calendar.invalid.body_empty"))
    if problems:
        return None, problems
    draft = PostDraft(community=community, author=author, body=str(content.pop("body")), targets=(),
                      timezone=zone)
    return replace(draft, **content, **schedule), []
