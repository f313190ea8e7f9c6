"""Mention spam: many members or roles pinged at once, or any attempt at a mass ping.

Counts come from the platform's own mention lists, so "RT @user:" chains quoted as text never count; mass-ping
syntax is looked for in the raw text because an attempt matters even when the platform refused to ping.
"""

from __future__ import annotations

import re

from handlers.moderation.rules.base import Hit, MessageFacts, Severity

_MASS_PING = re.compile(
    r"(?<![\w.])@(?:everyone|here)\b(?!\.\w)|<!(?:channel|here|everyone)(?:\|[^>]{0,40})?>|<@&?everyone>", re.I
)


def _may_mass_ping(text: str) -> bool:
    """Plain substring tests (fast) before the regular expression: most messages mention no one at all."""
    if "<!" in text:
        return True
    if "@" not in text:
        return False
    lowered = text.lower()
    return "@everyone" in lowered or "@here" in lowered or "@&everyone" in lowered


class MentionSpam:
    name = "mentions"

    def __init__(self, max_mentions: int) -> None:
        self.max_mentions = max_mentions

    def check(self, message: MessageFacts) -> Hit | None:
        text = message.text
        if message.mentions_everyone or (_may_mass_ping(text) and _MASS_PING.search(text)):
            return Hit(self.name, Severity.MEDIUM, "mass ping")
        if not message.mentioned_user_ids and not message.mentioned_role_ids:
            return None
        count = len(set(message.mentioned_user_ids)) + len(set(message.mentioned_role_ids))
        if count >= self.max_mentions:
            return Hit(self.name, Severity.MEDIUM, f"{count} mentions")
        return None
