"""Scam domains beyond the list: brand look-alikes, brands inside names or on free hosting, and a domain model.

Scam lists always lag: a new `dlscordz-nltro.com` is up before anyone lists it. Its shape gives it away: a
brand scams imitate, written with confusable letters (« rn » for « m », « l » for « i », « 0 » for « o »,
Cyrillic look-alikes), glued to bait words ("nitro", "gift", "claim") or put on a free hosting or app platform
(`opensea-claim.web.app`). Each check here names the signal that fired, so a moderator reads why:

- `look-alike of BRAND`: a label equal to a brand once confusables are folded, or one or two edits from it;
- `BRAND in the name`: a brand token inside a hyphenated or concatenated name, with bait words or a
  top-level domain scams favour;
- `BRAND on free hosting`: a brand in the sub-domain of a free hosting or app platform;
- medium signals (`suspect_domain`): a brand inside a name with nothing else, a top-level domain scams favour,
  a lure glued to digits or hyphens, a long run of digits;
- `domain model`: a small model trained on the phishing lists against popular domains (see `training/`).

A brand's own domains are never flagged; shorteners and free hosting are never "known good" either (only the
full URL or the sub-domain is judged, never the whole host).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handlers.moderation.normalise import fold


def _split(text: str) -> list[str]:
    return text.split()


# Brands scams imitate, and the registrable domains that really are theirs.
BRANDS: dict[str, frozenset[str]] = {
    "discord": frozenset({"discord.com", "discord.gg", "discordapp.com", "discordapp.net", "discord.media",
                          "discord.new", "discord.gift", "discordstatus.com", "discord.dev", "discord.co",
                          "discordmerch.com", "discord.store", "discord.tools", "discord.design"}),
    "nitro": frozenset({"discord.com", "discord.gift"}),
    "hypesquad": frozenset({"discord.com"}),
    "mee6": frozenset({"mee6.xyz", "mee6.gg"}),
    "pubg": frozenset({"pubg.com", "pubgmobile.com"}),
    "faceit": frozenset({"faceit.com"}),
    "steamcommunity": frozenset({"steamcommunity.com"}),
    "steampowered": frozenset({"steampowered.com"}),
    "steam": frozenset({"steampowered.com", "steamcommunity.com", "steamstatic.com", "steamgames.com",
                        "steamdeck.com", "steamchina.com", "steamusercontent.com", "steamserver.net"}),
    "roblox": frozenset({"roblox.com", "rbxcdn.com", "roblox.qq.com"}),
    "opensea": frozenset({"opensea.io"}),
    "metamask": frozenset({"metamask.io"}),
    "epicgames": frozenset({"epicgames.com", "epicgames.dev", "unrealengine.com"}),
    "twitch": frozenset({"twitch.tv", "twitchcdn.net", "twitchsvc.net", "ttvnw.net"}),
    "paypal": frozenset({"paypal.com", "paypal.me", "paypalobjects.com", "paypal-community.com"}),
    "binance": frozenset({"binance.com", "binance.us", "binance.org", "bnbchain.org"}),
    "coinbase": frozenset({"coinbase.com"}),
    "telegram": frozenset({"telegram.org", "telegram.me", "t.me", "telegra.ph"}),
    "instagram": frozenset({"instagram.com", "cdninstagram.com", "instagr.am"}),
    "youtube": frozenset({"youtube.com", "youtu.be", "ytimg.com", "youtube-nocookie.com", "youtubekids.com"}),
    "minecraft": frozenset({"minecraft.net"}),
    "blockchain": frozenset({"blockchain.com"}),
    "uniswap": frozenset({"uniswap.org"}),
    "trustwallet": frozenset({"trustwallet.com"}),
    "phantom": frozenset({"phantom.app", "phantom.com"}),
    "ledger": frozenset({"ledger.com"}),
    "valorant": frozenset({"playvalorant.com"}),
    "riotgames": frozenset({"riotgames.com"}),
    "csgo": frozenset(),
    "skins": frozenset(),
    # crypto-giveaway scams ("send 1 BTC, get 2 back") wear these names
    "tesla": frozenset({"tesla.com", "teslamotors.com", "tesla.cn"}),
    "spacex": frozenset({"spacex.com"}),
    "elonmusk": frozenset(),
    # decentralised exchanges whose wallet-connect pages are copied to drain wallets
    "sushiswap": frozenset({"sushi.com", "sushiswap.fi", "sushiswap.org"}),
    "pancakeswap": frozenset({"pancakeswap.finance"}),
    # e-sports teams whose names front "vote for our team" and skin-trading account thefts
    "fnatic": frozenset({"fnatic.com"}),
    "astralis": frozenset({"astralis.gg", "astralis.com"}),
    "virtuspro": frozenset({"virtus.pro"}),
    "natusvincere": frozenset({"navi.gg"}),
    "fazeclan": frozenset({"fazeclan.com"}),
    # Discord bots whose "verify you are human" and "moderator academy" pages steal accounts
    "dyno": frozenset({"dyno.gg"}),
    "carlbot": frozenset({"carl.gg", "carlbot.xyz"}),
    "wickbot": frozenset({"wickbot.com"}),
    "captchabot": frozenset({"captcha.bot"}),
    "collabland": frozenset({"collab.land"}),
    # games and skin-trading sites whose items, betas and tournaments are the bait
    "hypixel": frozenset({"hypixel.net"}),
    "counterstrike": frozenset({"counter-strike.net"}),
    "cs2": frozenset({"counter-strike.net"}),
    "facepunch": frozenset({"facepunch.com"}),
    "fortnite": frozenset({"fortnite.com", "epicgames.com"}),
    "rocketleague": frozenset({"rocketleague.com"}),
    "hoyoverse": frozenset({"hoyoverse.com", "hoyolab.com", "mihoyo.com"}),
    "genshin": frozenset({"hoyoverse.com", "mihoyo.com"}),
    "keydrop": frozenset({"key-drop.com"}),
    "hellcase": frozenset({"hellcase.com"}),
    "csgoroll": frozenset({"csgoroll.com"}),
    "skinport": frozenset({"skinport.com"}),
    "bloxflip": frozenset({"bloxflip.com"}),
    "rolimons": frozenset({"rolimons.com"}),
    # e-sports teams and leagues ("vote for NAVI", "FaZe skins giveaway")
    "navi": frozenset({"navi.gg"}),
    "faze": frozenset({"fazeclan.com"}),
    "g2esports": frozenset({"g2esports.com"}),
    "teamliquid": frozenset({"teamliquid.com", "liquipedia.net"}),
    "eslgaming": frozenset({"eslgaming.com", "esl.com"}),
    "hltv": frozenset({"hltv.org"}),
    # crypto projects, exchanges and wallets whose airdrops and "connect your wallet" pages are copied
    "layerzero": frozenset({"layerzero.network"}),
    "zksync": frozenset({"zksync.io"}),
    "arbitrum": frozenset({"arbitrum.io", "arbitrum.foundation"}),
    "starknet": frozenset({"starknet.io"}),
    "magiceden": frozenset({"magiceden.io"}),
    "dogecoin": frozenset({"dogecoin.com"}),
    "ethereum": frozenset({"ethereum.org"}),
    "solana": frozenset({"solana.com"}),
    "chainlink": frozenset({"chain.link", "chainlinklabs.com"}),
    "lidofinance": frozenset({"lido.fi"}),
    "raydium": frozenset({"raydium.io"}),
    "bybit": frozenset({"bybit.com", "bybit.biz", "bybit.eu", "bybitglobal.com"}),
    "kucoin": frozenset({"kucoin.com"}),
    "bitget": frozenset({"bitget.com"}),
    "etherscan": frozenset({"etherscan.io"}),
    "walletconnect": frozenset({"walletconnect.com", "walletconnect.org"}),
    "galxe": frozenset({"galxe.com"}),
    "premint": frozenset({"premint.xyz"}),
    # services whose "free premium" and account pages are copied
    "openai": frozenset({"openai.com", "chatgpt.com"}),
    "chatgpt": frozenset({"chatgpt.com", "openai.com"}),
    "spotify": frozenset({"spotify.com", "scdn.co", "spotifycdn.com"}),
    "netflix": frozenset({"netflix.com", "netflix.net", "nflxext.com", "nflximg.net", "nflxvideo.net", "nflxso.net"}),
}  # fmt: skip
OFFICIAL = frozenset().union(*BRANDS.values())
# Words scam domains glue to a brand.
BAIT = ("gift", "gifts", "nitro", "free", "claim", "airdrop", "promo", "drop", "login", "verify", "verification",
        "wallet", "bonus", "reward", "rewards", "giveaway", "event", "support", "secure", "account", "auth",
        "trade", "offer", "skins", "case", "cases", "mint", "app", "connect", "sync", "restore", "unlock",
        "premium", "boost", "code", "codes", "get", "win", "prize", "official", "help", "recovery", "dapp",
        "give", "double", "vote", "live", "pump")  # fmt: skip
SUSPICIOUS_TLDS = frozenset(
    _split(
        "xyz top click gift gifts link live site online shop store icu tk ml ga cf gq pw ru su fun monster "
        "buzz rest cyou cfd sbs quest lol bar cam ws cc biz zip mov support claims app win bid loan work world space "
        "website tech digital money games game promo codes best pro one"
    )
)
FREE_HOSTING = frozenset(
    _split(
        "github.io pages.dev vercel.app netlify.app web.app firebaseapp.com weebly.com wixsite.com blogspot.com "
        "000webhostapp.com ngrok.io ngrok-free.app ngrok.app glitch.me herokuapp.com repl.co replit.app onrender.com "
        "azurewebsites.net surge.sh webflow.io framer.website framer.app carrd.co godaddysites.com workers.dev r2.dev "
        "ipfs.io appspot.com wordpress.com tilda.ws square.site myshopify.com gitbook.io notion.site web3.storage "
        "fleek.co on.fleek.co translate.goog sites.google.com mystrikingly.com yolasite.com jimdosite.com "
        "webnode.page cloudflare-ipfs.com dweb.link"
    )
)
# Confusables after Unicode folding: sequences first, then single characters (both sides are folded alike).
_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ii", "u"))
_SKELETON = str.maketrans({"0": "o", "1": "l", "i": "l", "!": "l", "|": "l", "3": "e", "4": "a", "5": "s",
                           "7": "t", "8": "b", "9": "g", "@": "a", "$": "s", "_": "-"})  # fmt: skip
_SPLIT = re.compile(r"[.\-]")


def skeleton(text: str) -> str:
    """The shape of a name once confusables are folded: "dlscord", "d1scord", "diścord" -> "dlscord"."""
    text = fold(text)
    for sequence, letter in _SEQUENCES:
        text = text.replace(sequence, letter)
    return text.translate(_SKELETON)


_BRAND_SKELETONS = {brand: skeleton(brand) for brand in BRANDS}


@dataclass(frozen=True, slots=True)
class DomainSignal:
    signal: str  # high: "look-alike", "brand in the name", "brand on free hosting"; medium: see `suspect_domain`
    brand: str  # the brand, or what else fired (the lure, the top-level domain)

    def describe(self, host: str) -> str:
        if self.signal == "look-alike":
            return f"look-alike of {self.brand}: {host}"
        if self.signal == "top-level domain scams favour":
            return f"top-level domain scams favour (.{self.brand}): {host}"
        if self.signal == "lure in the name":
            return f"lure in the name ({self.brand}): {host}"
        if not self.signal.startswith("brand "):
            return f"{self.signal}: {host}"
        return f"{self.brand} {self.signal.removeprefix('brand ')}: {host}"


def registrable(host: str) -> str:
    parts = host.split(".")
    if len(parts) >= 3 and ".".join(parts[-2:]) in _TWO_PART_SUFFIXES:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


_TWO_PART_SUFFIXES = {"co.uk", "com.br", "com.au", "co.jp", "com.tr", "com.ru", "co.in", "org.uk", "gouv.fr",
                      "com.cn", "com.mx", "co.kr", "com.ar", "co.za", "com.pl", "com.ua"}  # fmt: skip


def within(host: str, domains: frozenset[str] | set[str]) -> bool:
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))


def free_hosting_suffix(host: str) -> str | None:
    parts = host.split(".")
    for i in range(1, len(parts) - 1):
        suffix = ".".join(parts[i:])
        if suffix in FREE_HOSTING:
            return suffix
    return None


def _distance_at_most(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance <= limit (adjacent swaps count as one edit), with an early exit."""
    return abs(len(a) - len(b)) <= limit and _edits_at_most(a, b, limit, anywhere=False)


def _inside_at_most(pattern: str, text: str, limit: int) -> bool:
    """Some stretch of `text` is within `limit` edits of `pattern` (semi-global Levenshtein: the stretch may start
    and end anywhere, adjacent swaps count as one edit): "steamcommunlty" inside "sleamcommunityprofiles"."""
    return len(pattern) - limit <= len(text) and _edits_at_most(pattern, text, limit, anywhere=True)


def _edits_at_most(pattern: str, text: str, limit: int, *, anywhere: bool) -> bool:
    """One dynamic programme for both: `pattern` against all of `text`, or (`anywhere`) against its best stretch,
    which costs nothing to skip before it (first row of zeros) or after it (the last row's minimum)."""
    previous2: list[int] = []
    previous = [0] * (len(text) + 1) if anywhere else list(range(len(text) + 1))
    for i, cp in enumerate(pattern, 1):
        current = [i] + [0] * len(text)
        for j, ct in enumerate(text, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cp != ct))
            if i > 1 and j > 1 and cp == text[j - 2] and pattern[i - 2] == ct:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return (min(previous) if anywhere else previous[-1]) <= limit


# Brands whose one-letter neighbours are real words or names ("telegraf"): only exact shapes count.
_EXACT_ONLY = frozenset({"telegram", "steam", "nitro", "skins", "csgo", "ledger", "phantom", "mee6", "pubg", "spacex",
                         "dyno", "navi", "faze", "hltv", "cs2", "bybit", "galxe", "solana", "genshin", "openai"})


def _limit(brand: str) -> int:
    if brand in _EXACT_ONLY:
        return 0
    return 0 if len(brand) <= 5 else 1 if len(brand) <= 10 else 2 if len(brand) <= 13 else 3


def _glued_limit(brand: str) -> int:
    """Edits allowed for a brand glued inside a longer name: only long brands, whose typos are no words."""
    if brand in _EXACT_ONLY or len(brand) < 9:
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
        for brand, shape in _BRAND_SKELETONS.items():
            if len(shape) >= 5 and shape in skeleton(inside).replace("-", "").replace(".", ""):
                return DomainSignal("brand on free hosting", brand)
        return None
    name = registrable(host)
    label, _, tld = name.rpartition(".")
    tokens = [t for t in _SPLIT.split(host[: -len(tld) - 1]) if t][:8]
    shapes = [skeleton(t) for t in tokens if len(t) <= 40]
    for brand, shape in _BRAND_SKELETONS.items():
        limit = _limit(brand)
        for token, token_shape in zip(tokens, shapes, strict=False):
            if token == brand and tld not in SUSPICIOUS_TLDS:
                continue  # "discord.co.uk"-like names of the brand itself on an ordinary TLD
            similar = token_shape == shape or (limit and _distance_at_most(token_shape, shape, limit))
            if similar and (token != brand or tld in SUSPICIOUS_TLDS):
                return DomainSignal("look-alike", brand)
    own = _own_token(tokens, tld)
    if own is not None:
        return own
    glued = skeleton(label.replace("-", ""))
    for brand, shape in _BRAND_SKELETONS.items():
        limit = _glued_limit(brand)
        if limit and shape not in glued and len(glued) <= 40 and _inside_at_most(shape, glued, limit):
            return DomainSignal("look-alike", brand)  # a misspelt brand glued to other words: the typo disguises
    for brand, shape in _BRAND_SKELETONS.items():
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


# Top-level domains where scams far outnumber anything else (cheap or free to register, and abused in bulk),
# from general knowledge of abuse reports: a name there is worth a moderator's look, not a verdict.
WORST_TLDS = frozenset(
    _split(
        "top asia cam icu cyou cfd sbs buzz tk ml ga cf gq pw monster rest bar quest bond lat boats hair skin makeup "
        "autos yachts mom beauty zip mov click gift gifts claims xyz website sale surf uno best fun"
    )
)
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


def brand_inside(label: str) -> bool:
    """Whether a brand of four letters or more is inside a name once confusables are folded (for the model)."""
    glued = skeleton(label.replace("-", ""))
    return any(len(shape) >= 4 and shape in glued for shape in _BRAND_SKELETONS.values())


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
    - `long run of digits`: four digits or more in a row ("no120754291", "p100003162").

    Shorteners, free hosting and the brands' own domains are left to the other checks."""
    if within(host, OFFICIAL) or free_hosting_suffix(host) is not None:
        return None
    name = registrable(host)
    if name in FREE_HOSTING:
        return None
    label, _, tld = name.rpartition(".")
    label = label[:63]
    glued = skeleton(label.replace("-", ""))
    for brand, shape in _BRAND_SKELETONS.items():  # not the brands that are words too ("steampunk", "nitrogen")
        if len(shape) >= 5 and brand not in _EXACT_ONLY and shape in glued:
            return DomainSignal("brand inside the name", brand)
    if label in BRANDS:  # "dyno.re", "hypixel.in": the brand's name on a top-level domain that is not its own
        return DomainSignal("brand on another top-level domain", label)
    words = label.split("-")
    word = next((word for word in words if word in BRANDS), None) if len(words) > 1 else None
    if word is not None:  # a short brand as a whole word of a hyphenated name: "navi-sport", "dyno-tools"
        return DomainSignal("brand inside the name", word)
    if tld in WORST_TLDS:
        return DomainSignal("top-level domain scams favour", tld)
    lures = _LURE.findall(label)
    if (lures and (any(c.isdigit() for c in label) or "-" in label)) or len(set(lures)) >= 2:
        return DomainSignal("lure in the name", lures[0])
    lone = next((lure for lure in lures if lure in LONE_LURES), None)
    if lone is not None:
        return DomainSignal("lure in the name", lone)
    if _DIGIT_RUN.search(label):
        return DomainSignal("long run of digits", "")
    return None
