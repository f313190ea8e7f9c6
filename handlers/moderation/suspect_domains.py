"""Scam domains beyond the list, the weaker shapes: worth a moderator's look, never acted on alone.

A name with a brand inside it and nothing else, a top-level domain scams favour, lures glued into the name
("get2x-tesla", "freeskins") or a long run of digits is no proof: popular names have each of these now and then.
`suspect_domain` names the shape for a medium verdict; the strong shapes are `domains.py`'s.
"""

from __future__ import annotations

import re
from functools import lru_cache

from handlers.moderation.brands import BRAND_SKELETONS, BRANDS, OFFICIAL, WORD_BRANDS
from handlers.moderation.confusables import skeleton
from handlers.moderation.domains import DomainSignal
from handlers.moderation.hosts import DYNAMIC_DNS, WORST_TLDS, free_hosting_suffix, registrable, shared, within

# The lures of giveaway, crypto, gift and skin scams, as they are glued into names ("get2x-tesla", "freeskins").
LURES = ("crypto", "crypt", "btc", "bitcoin", "coin", "nft", "airdrop", "defi", "swap", "mint", "token", "wallet",
         "elon", "musk", "tesla", "tsla", "giveaway", "bonus", "x2", "2x", "double", "claim", "drop", "reward",
         "promo", "gift", "free", "skin", "case", "cash", "profit", "invest", "forex", "stake", "presale", "vbucks",
         "robux", "nitro", "prize", "lucky", "skins", "csgo", "cscase", "usdt",
         # account-theft lures of chat communities: fake verification bots, "free premium", game betas and prizes
         "captcha", "verif", "premium", "redeem", "raffle", "tournament", "source2", "invite", "beta", "glft",
         "nltro", "web3", "collab", "pepe")  # fmt: skip
# Lures that name nothing but a scam's bait (crypto tickers, game currencies, skins): one alone is enough, where
# "coin", "cash" or "free" need a digit, a hyphen or a second lure ("coinbase", "cashback", "freebsd").
# Not "musk" (muskoka, musketeer), "nft" (nftables), "skins" (skinstore); "btc" never after "de" (debtclock).
# "captcha" is a lure alone too, but not in "recaptcha" or "hcaptcha" (the real services); "glft" and "nltro" are
# misspellings that only disguise.
LONE_LURES = frozenset({"btc", "vbucks", "robux", "csgo", "cscase", "tsla", "airdrop", "giveaway", "presale", "usdt",
                        "captcha", "source2", "glft", "nltro"})  # fmt: skip
_AFTER = {"btc": "(?<!de)", "captcha": "(?<!re)(?<!h)"}
_LURE = re.compile("|".join(_AFTER.get(lure, "") + lure for lure in sorted(LURES, key=len, reverse=True)))
_DIGIT_RUN = re.compile(r"\d{4,}")


def lures_in(label: str) -> set[str]:
    """The lures glued into a name ("get2x-tesla" -> {"2x", "tesla"})."""
    return set(_LURE.findall(label[:63]))


@lru_cache(maxsize=8192)
def suspect_domain(host: str) -> DomainSignal | None:
    """A weaker signal than `judge_domain`'s, for a medium verdict (a moderator looks; nothing is done alone):

    - `BRAND inside the name`: a brand (five letters or more, not one that is a word too: "steam", "nitro")
      inside a name that is not the brand's;
    - `top-level domain scams favour`: a name under one of `WORST_TLDS`;
    - `lure in the name`: a lure ("tesla", "airdrop", "x2", "skin"…) with a digit or a hyphen beside it, two
      different lures, or one that names nothing but a scam's bait ("btc", "vbucks", "skins", "tsla");
    - `long run of digits`: four digits or more in a row ("no120754291", "p100003162");
    - `dynamic DNS`: any sub-domain of a dynamic-DNS service or tunnel (`hosts.DYNAMIC_DNS`), where no site a
      community links to lives;
    - `lure on free hosting`: the lures above in the sub-domain of a free hosting platform ("claim-2x.web.app").

    Shorteners, free hosting platforms as a whole and the brands' own domains are left to the other checks."""
    if within(host, OFFICIAL):
        return None
    hosting = free_hosting_suffix(host)
    if hosting is not None:
        if hosting in DYNAMIC_DNS:
            return DomainSignal("dynamic DNS", hosting)
        return _lured(host[: -len(hosting) - 1][:63], "lure on free hosting")
    name = registrable(host)
    if shared(name):
        return None
    label, _, tld = name.rpartition(".")
    label = label[:63]
    glued = skeleton(label.replace("-", ""))
    for brand, shape in BRAND_SKELETONS.items():  # not the brands that are words too ("steampunk", "nitrogen")
        if len(shape) >= 5 and brand not in WORD_BRANDS and shape in glued:
            return DomainSignal("brand inside the name", brand)
    if label in BRANDS:  # "dyno.re", "hypixel.in": the brand's name on a top-level domain that is not its own
        return DomainSignal("brand on another top-level domain", label)
    words = label.split("-")
    word = next((word for word in words if word in BRANDS), None) if len(words) > 1 else None
    if word is not None:  # a short brand as a whole word of a hyphenated name: "navi-sport", "dyno-tools"
        return DomainSignal("brand inside the name", word)
    if tld in WORST_TLDS:
        return DomainSignal("top-level domain scams favour", tld)
    lured = _lured(label, "lure in the name")
    if lured is not None:
        return lured
    if _DIGIT_RUN.search(label):
        return DomainSignal("long run of digits", "")
    return None


def _lured(label: str, signal: str) -> DomainSignal | None:
    """A lure with a digit or a hyphen beside it, two different lures, or one that names nothing but a scam's bait."""
    lures = _LURE.findall(label)
    if (lures and (any(c.isdigit() for c in label) or "-" in label)) or len(set(lures)) >= 2:
        return DomainSignal(signal, lures[0])
    lone = next((lure for lure in lures if lure in LONE_LURES), None)
    return DomainSignal(signal, lone) if lone is not None else None
