"""Scam domains beyond the list, the strong shapes: brand look-alikes, brands inside names or on free hosting.

Scam lists always lag: a new `dlscordz-nltro.com` is up before anyone lists it. Its shape gives it away: a
brand scams imitate (`brands.py`), written with confusable letters (« rn » for « m », « l » for « i », « 0 »
for « o », Cyrillic look-alikes: `confusables.py`), glued to bait words ("nitro", "gift", "claim") or put on a
free hosting or app platform (`opensea-claim.web.app`). Each check here names the signal that fired, so a
moderator reads why:

- `look-alike of BRAND`: a label equal to a brand once confusables are folded, or one or two edits from it;
- `BRAND in the name`: a brand token inside a hyphenated or concatenated name, with bait words or a
  top-level domain scams favour;
- `BRAND on free hosting` (or `on dynamic DNS`): a brand in the sub-domain of a free hosting or app platform, or
  of a dynamic-DNS service or tunnel.

These are high verdicts (a moderator is asked to act). The weaker shapes, worth a look but no more, are
`suspect_domains.py`'s; the domain model's features are `domain_features.py`'s. A brand's own domains are never
flagged; shorteners and free hosting are never "known good" either (only the full URL or the sub-domain is
judged, never the whole host).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handlers.moderation.brands import BRAND_SKELETONS, BRANDS, OFFICIAL, WORD_BRANDS
from handlers.moderation.confusables import inside_within_edits, skeleton, within_edits
from handlers.moderation.hosts import DYNAMIC_DNS, SUSPICIOUS_TLDS, free_hosting_suffix, registrable, within

# Words scam domains glue to a brand.
BAIT = ("gift", "gifts", "nitro", "free", "claim", "airdrop", "promo", "drop", "login", "verify", "verification",
        "wallet", "bonus", "reward", "rewards", "giveaway", "event", "support", "secure", "account", "auth",
        "trade", "offer", "skins", "case", "cases", "mint", "app", "connect", "sync", "restore", "unlock",
        "premium", "boost", "code", "codes", "get", "win", "prize", "official", "help", "recovery", "dapp",
        "give", "double", "vote", "live", "pump")  # fmt: skip
_SPLIT = re.compile(r"[.\-]")


@dataclass(frozen=True, slots=True)
class DomainSignal:
    signal: str  # high: "look-alike", "brand in the name", "brand on free hosting"; medium: see `suspect_domain`
    brand: str  # the brand, or what else fired (the lure, the top-level domain)

    def describe(self, host: str) -> str:
        if self.signal == "look-alike":
            return f"look-alike of {self.brand}: {host}"
        if self.signal == "top-level domain scams favour":
            return f"top-level domain scams favour (.{self.brand}): {host}"
        if self.signal in ("lure in the name", "lure on free hosting", "dynamic DNS"):
            return f"{self.signal} ({self.brand}): {host}"
        if not self.signal.startswith("brand "):
            return f"{self.signal}: {host}"
        return f"{self.brand} {self.signal.removeprefix('brand ')}: {host}"


def _limit(brand: str) -> int:
    if brand in WORD_BRANDS:
        return 0
    return 0 if len(brand) <= 5 else 1 if len(brand) <= 10 else 2 if len(brand) <= 13 else 3


def _glued_limit(brand: str) -> int:
    """Edits allowed for a brand glued inside a longer name: only long brands, whose typos are no words."""
    if brand in WORD_BRANDS or len(brand) < 9:
        return 0
    return 1 if len(brand) <= 11 else 2 if len(brand) <= 13 else 3


@lru_cache(maxsize=8192)
def judge_domain(host: str) -> DomainSignal | None:
    """The strongest shape signal of a host, or None. Hosts repeat: each is judged once."""
    if within(host, OFFICIAL):
        return None
    hosting = free_hosting_suffix(host)
    if hosting is not None:
        inside = host[: -len(hosting) - 1]
        where = "brand on dynamic DNS" if hosting in DYNAMIC_DNS else "brand on free hosting"
        for brand, shape in BRAND_SKELETONS.items():
            if len(shape) >= 5 and shape in skeleton(inside).replace("-", "").replace(".", ""):
                return DomainSignal(where, brand)
        return None
    name = registrable(host)
    label, _, tld = name.rpartition(".")
    tokens = [t for t in _SPLIT.split(host[: -len(tld) - 1]) if t][:8]
    shapes = [skeleton(t) for t in tokens if len(t) <= 40]
    for brand, shape in BRAND_SKELETONS.items():
        limit = _limit(brand)
        for token, token_shape in zip(tokens, shapes, strict=False):
            if token == brand and tld not in SUSPICIOUS_TLDS:
                continue  # "discord.co.uk"-like names of the brand itself on an ordinary TLD
            similar = token_shape == shape or (limit and within_edits(token_shape, shape, limit))
            if similar and (token != brand or tld in SUSPICIOUS_TLDS):
                return DomainSignal("look-alike", brand)
    own = _own_token(tokens, tld)
    if own is not None:
        return own
    glued = skeleton(label.replace("-", ""))
    for brand, shape in BRAND_SKELETONS.items():
        limit = _glued_limit(brand)
        if limit and shape not in glued and len(glued) <= 40 and inside_within_edits(shape, glued, limit):
            return DomainSignal("look-alike", brand)  # a misspelt brand glued to other words: the typo disguises
    for brand, shape in BRAND_SKELETONS.items():
        if len(shape) < 5 or shape not in glued or glued == shape:
            continue
        rest = glued.replace(shape, " ")
        baited = any(skeleton(word) in rest for word in BAIT if len(word) >= 4)
        disguised = "-" in label or not label.isascii() or any(c.isdigit() for c in label)
        if (baited and disguised) or tld in SUSPICIOUS_TLDS:
            return DomainSignal("brand in the name", brand)
    return None


_BRAND_WITH_NUMBER = re.compile(r"^(?:\d+)?([a-z][a-z0-9]*?)(?:\d+)?$")
_BAIT_TOKENS = frozenset(BAIT)


def _own_token(tokens: list[str], tld: str) -> DomainSignal | None:
    """A brand written exactly as a word of the name, beside a bait word or glued to a number, on a name that is not
    the brand's: "dyno-verify.net", "navi77.com", "faze-skins.ru", "mee6-captcha.info". Short brands ("navi",
    "dyno") are found only this way, as whole words: inside longer words they are other words ("navigate")."""
    if len(tokens) > 1 and any(token in _BAIT_TOKENS or token.isdigit() for token in tokens):
        for token in tokens:
            if token in BRANDS:
                return DomainSignal("brand in the name", token)
    for token in tokens:
        match = _BRAND_WITH_NUMBER.match(token)
        if match is not None and match.group(1) in BRANDS and match.group(1) != token and len(match.group(1)) >= 4:
            return DomainSignal("brand in the name", match.group(1))
    return None
