"""Reading a new poll from a command's options: every mistake is one sentence naming what to fix.

A question (at most 300 characters), 2 to 10 answers separated by `|` (each at most 55 characters, no two
alike: Discord's own limits, kept on every platform so a poll reads the same everywhere), a duration such as
`30m`, `2h`, `1d12h` (« 1j » in French), single or multiple choice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from config.polls import PollSettings

QUESTION_LIMIT = 300
ANSWER_LIMIT = 55
MIN_ANSWERS, MAX_ANSWERS = 2, 10
_PART = re.compile(r"(\d+)\s*(min|d|j|h|m)", re.IGNORECASE)
_UNITS = {"d": 86_400, "j": 86_400, "h": 3600, "m": 60, "min": 60}


@dataclass(frozen=True, slots=True)
class Problem:
    key: str
    values: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PollDraft:
    question: str
    answers: tuple[str, ...]
    duration: timedelta
    multiple: bool


def _clean(raw: str) -> str:
    """Control characters out (a bidi override or an escape sequence never reaches a platform), spaces tidied."""
    kept = "".join(" " if unicodedata.category(c).startswith("C") else c for c in raw)
    return " ".join(kept.split())


def read_duration(text: str) -> timedelta | None:
    """`2h`, `90m`, `1d12h`, « 1j », a bare number of hours; None when it cannot be read."""
    compact = text.strip().lower().replace(" ", "")
    if compact.isdigit():
        return timedelta(hours=int(compact))
    parts = _PART.findall(compact)
    if not parts or "".join(f"{n}{u}" for n, u in parts) != compact:
        return None
    return timedelta(seconds=sum(int(n) * _UNITS[u.lower()] for n, u in parts))


def split_answers(text: str) -> list[str]:
    return [a for a in (_clean(part) for part in re.split(r"[|\n]", text)) if a]


def read_poll(question: str, answers: str, duration: str | None, multiple: bool,
              settings: PollSettings) -> tuple[PollDraft | None, list[Problem]]:
    problems: list[Problem] = []
    asked = _clean(question)
    if not asked:
        problems.append(Problem("polls.invalid.question_empty"))
    elif len(asked) > QUESTION_LIMIT:
        problems.append(Problem("polls.invalid.question_too_long", {"length": len(asked), "limit": QUESTION_LIMIT}))
    choices = split_answers(answers)
    if not MIN_ANSWERS <= len(choices) <= MAX_ANSWERS:
        problems.append(Problem("polls.invalid.answers_count", {"count": len(choices)}))
    for choice in choices:
        if len(choice) > ANSWER_LIMIT:
            problems.append(Problem("polls.invalid.answer_too_long",
                                    {"answer": choice[:20] + "…", "length": len(choice), "limit": ANSWER_LIMIT}))
    folded = [c.casefold() for c in choices]
    repeated = {f: c for c, f in reversed(list(zip(choices, folded, strict=True))) if folded.count(f) > 1}
    for choice in repeated.values():  # one sentence per answer given twice, in its first spelling
        problems.append(Problem("polls.invalid.answer_twice", {"answer": choice}))
    length = settings.default_duration if not duration else read_duration(duration)
    if length is None:
        problems.append(Problem("polls.invalid.duration", {"value": duration or ""}))
    elif length < settings.min_duration:
        problems.append(Problem("polls.invalid.duration_short", {"minimum": settings.min_duration_minutes}))
    elif length > settings.max_duration:
        problems.append(Problem("polls.invalid.duration_long", {"maximum": settings.max_duration_hours}))
    if problems or length is None:
        return None, problems
    return PollDraft(asked, tuple(choices), length, multiple), []
