"""Links: scam and look-alike domains, invites to other servers, denied domains, shortened links.

Every verdict names the signal that fired: `scam` (the list), `look-alike of BRAND`, `BRAND in the name`,
`BRAND on free hosting` (shapes, high), `BRAND inside the name`, `top-level domain scams favour`, `lure in the
name`, `long run of digits` (weaker shapes, medium), `domain model` (medium: a score, never a certainty), `denied`,
`invite`, `shortened`. Shorteners and free hosting are never judged as a whole host by the model.
"""

from __future__ import annotations

import enum
from typing import Final

from handlers.moderation.brands import OFFICIAL
from handlers.moderation.domain_features import FEATURES_VERSION, describe, domain_features
from handlers.moderation.domains import judge_domain
from handlers.moderation.hosts import free_hosting_suffix, registrable, shared
from handlers.moderation.model import LinearModel
from handlers.moderation.rules.base import Hit, MessageFacts, Severity
from handlers.moderation.suspect_domains import suspect_domain
from handlers.moderation.urls import HINT_TLDS, INVITE_HOSTS, SHORTENERS, Link, ScamList, has_link, within

HOSTS_CACHED = 10_000
GENERIC_REASONS = frozenset(
    {"kind of top-level domain", "length", "bait words", "lures", "letters like listed scam names", "no trade's words"}
)


class _Host(enum.Enum):
    """Markers in the host cache: a host the operator allows, and a host not judged yet."""

    ALLOWED = enum.auto()
    UNSEEN = enum.auto()


_ALLOWED: Final = _Host.ALLOWED
_UNSEEN: Final = _Host.UNSEEN


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
        domain_model: LinearModel | None = None,
    ) -> None:
        if domain_model is not None and domain_model.meta.get("features_version") != FEATURES_VERSION:
            domain_model = None  # trained on other features: its scores would mean nothing
        self.domain_model = domain_model
        self.scams = scams
        self.allow = frozenset(d.lower().removeprefix("www.") for d in allow)
        self.deny = frozenset(d.lower().removeprefix("www.") for d in deny)
        self.block_invites = block_invites
        self.lookalikes = lookalikes
        self.shorteners = shorteners
        self.own_invites = own_invites
        self._hosts: dict[str, Hit | _Host | None] = {}
        self.tlds = HINT_TLDS | scams.tlds() | {d.rsplit(".", 1)[-1] for d in self.deny}
        self._more_tlds = self.tlds - HINT_TLDS

    def check(self, message: MessageFacts) -> Hit | None:
        if not message.has_link and not (self._more_tlds and has_link(message.text, self._more_tlds)):
            return None  # `has_link` with every TLD this rule knows: the common ones asked once per message
        worst: Hit | None = None
        for link in message.links:  # a wall of links is judged on its first fifty
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
        if isinstance(verdict, Hit):
            return verdict
        if self.scams.urls and self.scams.lists_url(link):
            return Hit(self.name, Severity.CRITICAL, f"scam: {link.url[:60]}")
        return self._judge_path(link)

    def _judge_host(self, host: str) -> Hit | _Host | None:
        """What the host alone says (cached: hosts repeat far more than messages do)."""
        if self.allow and within(host, self.allow):
            return _ALLOWED
        if self.scams.lists_host(host):
            return Hit(self.name, Severity.CRITICAL, f"scam: {host}")
        if self.lookalikes:
            signal = judge_domain(host)
            if signal is not None:
                # A heuristic, not a list: high (flagged for a human), never deleted on its own by default.
                return Hit(self.name, Severity.HIGH, signal.describe(host))
        if self.deny and within(host, self.deny):
            return Hit(self.name, Severity.MEDIUM, f"denied: {host}")
        if self.lookalikes:
            weak = suspect_domain(host)
            if weak is not None:  # a weaker shape: worth a moderator's look, never acted on alone
                return Hit(self.name, Severity.MEDIUM, weak.describe(host))
        if self.domain_model is not None and self._model_judges(host):
            features = domain_features(registrable(host))
            score = self.domain_model.score(features)
            if score >= self.domain_model.threshold:
                return Hit(self.name, Severity.MEDIUM, f"domain model {score:.2f} ({self._why(features)}): {host}")
        return None

    def _why(self, features: set[str]) -> str:
        """The model's strongest reasons, as a moderator reads them ("bait word claim, top-level domain .xyz")."""
        assert self.domain_model is not None
        reasons = list(dict.fromkeys(describe(feature) for feature, _ in self.domain_model.explain(features, 8)))
        reasons.sort(key=lambda reason: reason in GENERIC_REASONS)  # the telling ones first, else by weight
        return ", ".join(reasons[:3]) or "its letters"

    @staticmethod
    def _model_judges(host: str) -> bool:
        """The model scores names someone registered: not shorteners, hosting platforms or brands' own."""
        name = registrable(host)
        return (
            "." in host
            and name not in SHORTENERS
            and not shared(name)
            and free_hosting_suffix(host) is None
            and not within(host, OFFICIAL)
        )

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
