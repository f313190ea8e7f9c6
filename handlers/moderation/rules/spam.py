"""Spam and self-promotion: the cues of `handlers/moderation/spam.py`, plus what the links say.

A link adds a point, a shortened link with a path two (the destination is hidden), and a link to a domain
never seen in this community, posted by a member who joined less than `newcomer_minutes` ago, two more: the
classic first message of a spam account. Domains seen are remembered per community (`seen_domains.py`: in
memory on this path, in the store across restarts).
"""

from __future__ import annotations

from datetime import timedelta

from handlers.moderation.rules.base import Hit, MessageFacts, Severity
from handlers.moderation.seen_domains import SeenDomains
from handlers.moderation.spam import find_spam
from handlers.moderation.urls import SHORTENERS

LINK, SHORTENED, UNSEEN = "link", "shortened link", "new domain from a newcomer"
LINKS_READ = 20  # the cues of a message's first twenty links


class Spam:
    name = "spam"

    def __init__(self, newcomer_minutes: float = 60, seen: SeenDomains | None = None) -> None:
        self.newcomer = timedelta(minutes=newcomer_minutes)
        if seen is None:  # no store behind it (evaluation, tests): a memory of this process only
            seen = SeenDomains()
            seen.loaded = True
        self.seen = seen

    def check(self, message: MessageFacts) -> Hit | None:
        extra = self._link_cues(message) if message.has_link else ()
        finding = find_spam(message.normalised.words, message.text, extra, message.has_digit)
        if not finding.spam:
            return None
        return Hit(self.name, Severity.MEDIUM, ", ".join(finding.cues))

    def _link_cues(self, message: MessageFacts) -> tuple[str, ...]:
        cues = {LINK}
        newcomer = (
            message.joined_at is not None and message.at is not None and message.at - message.joined_at < self.newcomer
        )
        for link in message.links[:LINKS_READ]:
            if link.host in SHORTENERS and len(link.path) > 1:
                cues.add(SHORTENED)
            if newcomer and self.seen.knows(link.host) is False:
                cues.add(UNSEEN)
            if message.at is not None:
                self.seen.saw(link.host, message.at.date())
        return tuple(cues)
