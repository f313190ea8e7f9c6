"""Spam and self-promotion: the cues of `handlers/moderation/spam.py`, plus what the links say.

A link adds a point, a shortened link with a path two (the destination is hidden), and a link to a domain
never seen in this community, posted by a member who joined less than `newcomer_minutes` ago, two more: the
classic first message of a spam account. Domains seen are remembered per community, in memory, bounded.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.moderation.rules.base import Hit, MessageFacts, Severity
from handlers.moderation.spam import find_spam
from handlers.moderation.urls import SHORTENERS, find_links, has_link

SEEN_DOMAINS = 50_000
LINK, SHORTENED, UNSEEN = "link", "shortened link", "new domain from a newcomer"


class Spam:
    name = "spam"

    def __init__(self, newcomer_minutes: float = 60) -> None:
        self.newcomer = timedelta(minutes=newcomer_minutes)
        self.seen: set[str] = set()

    def check(self, message: MessageFacts) -> Hit | None:
        extra = self._link_cues(message) if has_link(message.text) else ()
        finding = find_spam(message.normalised.words, message.text, extra)
        if not finding.spam:
            return None
        return Hit(self.name, Severity.MEDIUM, ", ".join(finding.cues))

    def _link_cues(self, message: MessageFacts) -> tuple[str, ...]:
        cues = {LINK}
        newcomer = (
            message.joined_at is not None and message.at is not None and message.at - message.joined_at < self.newcomer
        )
        for index, link in enumerate(find_links(message.text)):
            if index >= 20:
                break
            if link.host in SHORTENERS and len(link.path) > 1:
                cues.add(SHORTENED)
            if link.host not in self.seen:
                if newcomer:
                    cues.add(UNSEEN)
                if len(self.seen) >= SEEN_DOMAINS:
                    self.seen.clear()
                self.seen.add(link.host)
        return tuple(cues)
