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
# A hate hit's detail -> its catalogue key (`hate_…`): against a group, or aimed at one person.
HATE_KINDS = {"threat": "threat", "dehumanising": "dehumanising", "exclusion": "exclusion", "derogation": "derogation",
              "threat to someone": "threat_to_someone", "dehumanising someone": "dehumanising_someone",
              "insult to someone": "insult_to_someone"}
SPAM_CUES = {"self-promotion": "promotion", "own channel": "own_channel", "private contact": "private",
             "bait": "bait", "money": "money", "urgency": "urgency", "contact": "contact", "link": "link",
             "shortened link": "shortened",
             "new domain from a newcomer": "new_domain"}  # fmt: skip
FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("detail_scam", re.compile(r"^scam: (?P<what>.+)$")),
    ("detail_lookalike", re.compile(r"^look-alike of (?P<brand>[\w.-]+): (?P<what>.+)$")),
    ("detail_brand_in_name", re.compile(r"^(?P<brand>[\w.-]+) in the name: (?P<what>.+)$")),
    ("detail_brand_on_hosting", re.compile(r"^(?P<brand>[\w.-]+) on free hosting: (?P<what>.+)$")),
    ("detail_brand_on_dynamic_dns", re.compile(r"^(?P<brand>[\w.-]+) on dynamic DNS: (?P<what>.+)$")),
    ("detail_brand_inside", re.compile(r"^(?P<brand>[\w.-]+) inside the name: (?P<what>.+)$")),
    ("detail_brand_other_tld", re.compile(r"^(?P<brand>[\w.-]+) on another top-level domain: (?P<what>.+)$")),
    ("detail_scam_tld", re.compile(r"^top-level domain scams favour \(\.(?P<tld>[^)]+)\): (?P<what>.+)$")),
    ("detail_digits", re.compile(r"^long run of digits: (?P<what>.+)$")),
    ("detail_lure_in_name", re.compile(r"^lure in the name \((?P<lure>[^)]+)\): (?P<what>.+)$")),
    ("detail_lure_on_hosting", re.compile(r"^lure on free hosting \((?P<lure>[^)]+)\): (?P<what>.+)$")),
    ("detail_dynamic_dns", re.compile(r"^dynamic DNS \((?P<service>[^)]+)\): (?P<what>.+)$")),
    ("detail_domain_model", re.compile(r"^domain model (?P<score>[\d.]+): (?P<what>.+)$")),
    ("detail_domain_model_why", re.compile(r"^domain model (?P<score>[\d.]+) \((?P<why>.+)\): (?P<what>.+)$")),
    ("detail_model_abuse", re.compile(r"^abuse model (?P<score>[\d.]+)$")),
    ("detail_model_abuse_agrees", re.compile(r"^abuse model (?P<score>[\d.]+), agrees with the rules$")),
    ("detail_model_spam", re.compile(r"^spam model (?P<score>[\d.]+)$")),
    ("detail_model_community", re.compile(r"^community model (?P<score>[\d.]+)$")),
    ("detail_profanity", re.compile(r"^profanity$")),
    ("detail_reclaimed", re.compile(r"^reclaimed slur \(self-referential\)$")),
    ("detail_denounced", re.compile(r"^slur quoted to denounce it$")),
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
        return Text.of(", ".join(_category(n, say) for n in names))
    if rule == "hate" and detail in HATE_KINDS:
        return say(f"hate_{HATE_KINDS[detail]}")
    if rule == "spam":
        cues = [part.strip() for part in detail.split(",") if part.strip()]
        if cues and all(cue in SPAM_CUES for cue in cues):
            return Text.of(", ".join(say(f"spam_{SPAM_CUES[cue]}").plain() for cue in cues))
    for key, form in FORMS:
        match = form.match(detail)
        if match:
            values = {k: _number(k, v) for k, v in match.groupdict().items()}
            return say(key, **values)
    return Text.of(detail)


def _number(name: str, raw: str) -> int | float | str:
    """A count or a score read back as a number, so the card writes it in the locale's digits (« 0,99 »)."""
    if name == "count":
        return int(raw)
    if name == "score":
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


def _category(name: str, say: Say) -> str:
    if name in CATEGORIES:
        return say(f"category_{name}").plain()
    if name == "profanity at someone":
        return say("detail_profanity_at_someone").plain()
    return name
