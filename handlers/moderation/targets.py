"""Whom an abuse flag is aimed at: a group of people (hate), or a person or no one (insults, swearing).

The product flags both, at different severities: hate against a group (a slur, a group-hate pattern of
`hate.py`) is high; an insult, a threat or a dehumanising word aimed at one person keeps its own severity
(medium for an insult); swearing at no one is low and in shadow; the abuse model alone is low, high when it
agrees with an abuse rule (`agreement.py`): it says a message is rude, not whom it is aimed at, so it
claims no hate against a group by itself. Public sets label different things: most label any
toxicity (insults, crude words, threats), some only hate against a group (ETHOS). `claims_group_hate` reads a
verdict the way such a set's label is written, so an insult at a person is not counted as a claim of hate.
"""

from __future__ import annotations

from handlers.moderation.engine import Verdict
from handlers.moderation.hate import GROUP_KINDS

SLURS = "slurs"


def claims_group_hate(verdict: Verdict) -> bool:
    """Some hit acted on claims hate against a group: a slur of the word lists or a group-hate pattern."""
    for hit in verdict.hits:
        if hit.rule in verdict.shadow:
            continue
        if hit.rule == "terms" and SLURS in (part.strip() for part in hit.detail.split(",")):
            return True
        if hit.rule == "hate" and hit.detail in GROUP_KINDS:
            return True
    return False
