"""Links: scam and look-alike domains, invites to other servers, denied domains, shortened links."""

from __future__ import annotations

from handlers.moderation.links import (
    HINT_TLDS,
    INVITE_HOSTS,
    SHORTENERS,
    Link,
    ScamList,
    find_links,
    has_link,
    imitated_brand,
    within,
)
from handlers.moderation.rules.base import Hit, MessageFacts, Severity

HOSTS_CACHED = 10_000
_ALLOWED = object()
_UNSEEN = object()


class Links:
    name = "links"

    def __init__(
        self,
        scams: ScamList,
        allow: frozenset[str] = frozenset(),
        deny: frozenset[str] = frozenset(),
        block_invites: bool = True,
        lookalikes: bool = True,
        shorteners: bool = True,
        own_invites: frozenset[str] = frozenset(),
    ) -> None:
        self.scams = scams
        self.allow = frozenset(d.lower().removeprefix("www.") for d in allow)
        self.deny = frozenset(d.lower().removeprefix("www.") for d in deny)
        self.block_invites = block_invites
        self.lookalikes = lookalikes
        self.shorteners = shorteners
        self.own_invites = own_invites
        self._hosts: dict[str, Hit | object | None] = {}
        self.tlds = HINT_TLDS | scams.tlds() | {d.rsplit(".", 1)[-1] for d in self.deny}

    def check(self, message: MessageFacts) -> Hit | None:
        if not has_link(message.text, self.tlds):
            return None
        worst: Hit | None = None
        for index, link in enumerate(find_links(message.text)):
            if index >= 50:  # a wall of links is judged on its first fifty
                break
            hit = self._judge(link)
            if hit is not None and (worst is None or hit.severity > worst.severity):
                worst = hit
                if hit.severity is Severity.CRITICAL:
                    break
        return worst

    def _judge(self, link: Link) -> Hit | None:
        verdict = self._hosts.get(link.host, _UNSEEN)
        if verdict is _UNSEEN:
            verdict = self._judge_host(link.host)
            if len(self._hosts) >= HOSTS_CACHED:
                self._hosts.clear()
            self._hosts[link.host] = verdict
        if verdict is _ALLOWED:
            return None
        if verdict is not None:
            return verdict
        if self.scams.urls and self.scams.lists_url(link):
            return Hit(self.name, Severity.CRITICAL, f"scam: {link.url[:60]}")
        return self._judge_path(link)

    def _judge_host(self, host: str) -> Hit | object | None:
        """What the host alone says (cached: hosts repeat far more than messages do)."""
        if self.allow and within(host, self.allow):
            return _ALLOWED
        if self.scams.lists_host(host):
            return Hit(self.name, Severity.CRITICAL, f"scam: {host}")
        if self.lookalikes:
            brand = imitated_brand(host)
            if brand is not None:
                # A heuristic, not a list: high (flagged for a human), never deleted on its own by default.
                return Hit(self.name, Severity.HIGH, f"look-alike of {brand}: {host}")
        if self.deny and within(host, self.deny):
            return Hit(self.name, Severity.MEDIUM, f"denied: {host}")
        return None

    def _judge_path(self, link: Link) -> Hit | None:
        if self.block_invites and self._invite(link):
            return Hit(self.name, Severity.MEDIUM, f"invite: {link.url[:60]}")
        if self.shorteners and link.host in SHORTENERS and len(link.path) > 1:
            return Hit(self.name, Severity.LOW, f"shortened: {link.host}")
        return None

    def _invite(self, link: Link) -> bool:
        if link.host not in INVITE_HOSTS or len(link.path) < 2:
            return False
        code = link.path.rstrip("/").rsplit("/", 1)[-1]
        if link.host in {"discord.com", "discordapp.com"} and not link.path.startswith("/invite/"):
            return False
        return code not in self.own_invites
