"""What the scam-domain model reads of a registrable domain: features meant to carry over to new kinds of scam.

A model on the raw letters of the names it was trained on learns their families (hundreds of misspelt
"discord" and "steamcommunity" names) and little else: on a list curated apart, of other kinds of scam, it
caught one name in five. What scam names share across kinds is read here instead:

- letter 3-grams of the name as written, and 3/4-grams of its *skeleton* (confusables folded: « rn » for « m »,
  « 1 » for « l », « 0 » for « o »), so a new spelling of a known shape meets the same features;
- bait words found anywhere inside the name, hyphenated or glued (gift, claim, airdrop, wallet, bonus, drop,
  skins, verify…: the lures of gift, crypto-giveaway, skin-trading and account-theft scams), and how many;
- the top-level domain, and its class: legacy (.com, .org…), country code, new generic, or one scams favour;
- how random the name looks: share of vowels, longest run of consonants, letters and digits interleaved;
- length, hyphens and digits, coarsely;
- whether a brand is inside the name at all, and the lures of the weaker shapes, each and how many;
- the words of the trades scams copy without naming a brand (`TOPICS`: crypto, NFT and DeFi projects; games,
  e-sports and skin trading), each and how many per trade: what a name like `sol-apes.xyz` or
  `rustroulette.com` shares with the next one, where its letters share nothing.

Shared by the trainer and the `links` rule, so both compute exactly the same features.
"""

from __future__ import annotations

import re

from handlers.moderation.brands import brand_inside
from handlers.moderation.confusables import skeleton
from handlers.moderation.hosts import SUSPICIOUS_TLDS
from handlers.moderation.suspect_domains import lures_in

FEATURES_VERSION = "domain-features/5"
MAX_LENGTH = 120


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


LEGACY_TLDS = frozenset({"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz"})
# The lures of gift, crypto-giveaway, skin-trading and account-theft scams (general knowledge of their kinds,
# not read off any list): found inside a name however it is glued.
BAIT_WORDS = tuple(sorted(set(_split("""
    gift gifts free claim claims airdrop airdrops drop drops bonus reward rewards giveaway give promo event events
    login verify verification secure security support wallet wallets connect sync restore recover recovery unlock
    nitro skin skins case cases trade trading crypto coin coins token tokens nft nfts mint swap defi dao btc eth
    bitcoin ethereum usdt double win winner prize lucky official dapp stake staking yield invest profit bet casino
    tesla musk elon cash money earn payout presale whitelist validate validation auth account update apply form
    forms moderator hypesquad partner academy
""")), key=lambda word: (-len(word), word)))  # fmt: skip
_BAIT = re.compile("|".join(BAIT_WORDS))
# The vocabulary of the trades whose projects scams copy (general knowledge of the kinds, not read off any list).
# Words of four letters or more count anywhere inside a name; shorter ones ("sol", "ape", "nft") only as a whole
# word, or as the start or end of one at least three letters longer ("solplanet", "sol-apes"), never in the
# middle of one ("paper"); a common word that starts with one ("solution") is weighed by the model against the
# popular names that hold it. Declared as data: a matcher may be compiled from it at load.
TOPICS: dict[str, tuple[str, ...]] = {
    "crypto": tuple(_split("""
        crypto coin coins token tokens btc bitcoin eth ether ethereum sol solana xrp doge shib inu pepe bonk usdt
        usdc nft nfts mint minting dao defi swap swaps stake staking yield farm vault chain block blocks dex bridge
        node nodes gas moon pump whale degen hodl web3 dapp dapps stable miner mining hash satoshi vitalik elon musk
        presale ico ido launchpad airdrop airdrops claim claims wallet wallets protocol finance exchange trade
        trading bit meta verse labs lab ape apes punk punks genesis pass
    """)),
    "game": tuple(_split("""
        game games gaming play player players esport esports csgo cs2 rust skin skins case cases tournament tourney
        clan guild league arena battle royale loot bet bets roulette jackpot craft pvp beta launcher mod mods cheat
        cheats hack hacks aim team squad server servers gamer gamers rank ranked boost lobby
    """)),
}  # fmt: skip
_TOPIC_LONG = {topic: re.compile("|".join(sorted((w for w in words if len(w) >= 4), key=lambda w: (-len(w), w))))
               for topic, words in TOPICS.items()}  # fmt: skip
_TOPIC_SHORT = {topic: frozenset(w for w in words if len(w) < 4) for topic, words in TOPICS.items()}
_SHORT_SIZES = sorted({len(word) for words in _TOPIC_SHORT.values() for word in words})
_WORDS = re.compile(r"[a-z0-9]+")


def topic_words(name: str) -> dict[str, set[str]]:
    """The words of each trade in a name (see `TOPICS`): "sol-apes" -> {"crypto": {"sol", "apes"}, "game": set()}.

    The short words are looked up, not searched: a word's own text, and its first and last letters of each
    short word's size where the word is long enough to hold three more."""
    edges: set[str] = set()
    for token in _WORDS.findall(name):
        if len(token) < 4:
            edges.add(token)
        for size in _SHORT_SIZES:
            if len(token) >= size + 3:
                edges.add(token[:size])
                edges.add(token[-size:])
    return {topic: set(pattern.findall(name)) | (edges & _TOPIC_SHORT[topic]) for topic, pattern in _TOPIC_LONG.items()}


_CONSONANTS = re.compile(r"[bcdfghjklmnpqrstvwxz]+")
_MIXED = re.compile(r"[a-z][0-9]|[0-9][a-z]")
_VOWELS = frozenset("aeiouy")


def tld_class(tld: str) -> str:
    return "legacy" if tld in LEGACY_TLDS else "cc" if len(tld) == 2 else "new"


def domain_features(domain: str) -> set[str]:
    """The features of a registrable domain (see the module's docstring); bounded work whatever its length."""
    domain = domain[:MAX_LENGTH]
    name, _, tld = domain.rpartition(".")
    features = {f"tld:{tld}", f"tldc:{tld_class(tld)}"}
    if tld in SUSPICIOUS_TLDS:
        features.add("tldc:suspicious")
    padded = f"<{name}>"
    features.update(padded[i : i + 3] for i in range(len(padded) - 2))
    shape = f"<{skeleton(name).replace('-', '').replace('.', '')}>"
    for size in (3, 4):
        features.update("s:" + shape[i : i + size] for i in range(len(shape) - size + 1))
    tokens = [token for token in name.replace(".", "-").split("-") if token]
    features.update(f"tok:{token}" for token in tokens)
    baits = {word for token in tokens for word in _BAIT.findall(token)}
    features.update(f"bait:{word}" for word in baits)
    features.add(f"baits:{min(len(baits), 3)}")
    # What carries over to scams of a new kind better than their letters: a brand inside the name at all, and the
    # lures of the weaker shapes (`domains.LURES`), which the model may weigh together where one alone is too weak.
    if brand_inside(name):
        features.add("brand:inside")
    lures = lures_in(name)
    features.update(f"lure:{lure}" for lure in lures)
    features.add(f"lures:{min(len(lures), 2)}")
    for topic, words in topic_words(name).items():
        features.update(f"word:{word}" for word in words)
        features.add(f"topic:{topic}:{min(len(words), 2)}")
    features.add(f"len:{min(len(name) // 4, 8)}")
    features.add(f"hyphens:{min(name.count('-'), 3)}")
    features.add(f"digits:{min(sum(c.isdigit() for c in name), 3)}")
    letters = [c for c in name if c.isalpha()]
    if letters:
        features.add(f"vowels:{min(int(10 * sum(c in _VOWELS for c in letters) / len(letters)), 6)}")
    features.add(f"consonants:{min(max(map(len, _CONSONANTS.findall(name)), default=0), 6)}")
    features.add(f"mixed:{min(len(_MIXED.findall(name)), 3)}")
    return features


def describe(feature: str) -> str:
    """A feature as a moderator reads it: "bait word claim", "top-level domain .xyz", "random-looking name"."""
    kind, _, value = feature.partition(":")
    if kind == "bait":
        return f"bait word {value}"
    if kind == "lure":
        return f"lure {value}"
    if kind == "word":
        return f"word {value}"
    if kind == "topic" and not value.endswith(":0"):
        return f"{value.partition(':')[0]} words"
    if feature == "brand:inside":
        return "a brand inside the name"
    if kind == "tld":
        return f"top-level domain .{value}"
    if feature == "tldc:suspicious":
        return "top-level domain scams favour"
    if kind in ("vowels", "consonants", "mixed"):
        return "random-looking name"
    if kind in ("hyphens", "digits", "len", "baits", "tldc", "lures", "topic"):
        return {"hyphens": "hyphens", "digits": "digits", "len": "length", "baits": "bait words",
                "tldc": "kind of top-level domain", "lures": "lures", "topic": "no trade's words"}[kind]  # fmt: skip
    return "letters like listed scam names"
