"""Rule details in the moderators' language.

Rules describe a hit in a short, stable form kept in the store (`look-alike of discord: host`, `4 messages`,
`insults, threats`), which `stats` and `eval` read as is. The queue card shows the same detail in the
community's locale: each known form maps to a catalogue key, with the variable part (a host, a count) as a
value; an unknown form is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.text import Text

Say = Callable[..., Text]
CATEGORIES = ("insults", "slurs", "sexual", "threats")
FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("detail_scam", re.compile(r"^scam: (?P<what>.+)$")),
    ("detail_lookalike", re.compile(r"^look-alike of (?P<brand>[\w.-]+): (?P<what>.+)$")),
    ("detail_denied", re.compile(r"^denied: (?P<what>.+)$")),
    ("detail_invite", re.compile(r"^invite: (?P<what>.+)$")),
    ("detail_shortened", re.compile(r"^shortened: (?P<what>.+)$")),
    ("detail_messages", re.compile(r"^(?P<count>\d+) messages$")),
    ("detail_channels", re.compile(r"^(?P<count>\d+) channels$")),
    ("detail_mentions", re.compile(r"^(?P<count>\d+) mentions$")),
    ("detail_mass_ping", re.compile(r"^mass ping$")),
    ("detail_newcomer_link", re.compile(r"^link$")),
    ("detail_newcomer_mentions", re.compile(r"^mentions$")),
)


def localised_detail(rule: str, detail: str, say: Say) -> Text:
    """The detail of one rule hit, for the card, in the locale `say` speaks."""
    if rule == "terms":
        names = [part.strip() for part in detail.split(",") if part.strip()]
        return Text.of(", ".join(say(f"category_{n}").plain() if n in CATEGORIES else n for n in names))
    for key, form in FORMS:
        match = form.match(detail)
        if match:
            values = {k: (int(v) if k == "count" else v) for k, v in match.groupdict().items()}
            return say(key, **values)
    return Text.of(detail)
