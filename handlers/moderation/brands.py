"""The brands scams imitate, the domains that really are theirs, and where a brand hides inside a name.

A brand is matched on its skeleton (`confusables.skeleton`), so "dlscord" and "d1scord" are "discord". Some
brands are words too, or one letter from words ("telegraf", "steampunk", "nitrogen"): `WORD_BRANDS` are only
ever matched exactly.
"""

from __future__ import annotations

from handlers.moderation.confusables import inside_within_edits, skeleton

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
# Brands whose one-letter neighbours are real words or names ("telegraf"), or that are words themselves ("steam",
# "nitro"): only exact shapes count.
WORD_BRANDS = frozenset({"telegram", "steam", "nitro", "skins", "csgo", "ledger", "phantom", "mee6", "pubg", "spacex",
                        "dyno", "navi", "faze", "hltv", "cs2", "bybit", "galxe", "solana", "genshin", "openai"})


BRAND_SKELETONS = {brand: skeleton(brand) for brand in BRANDS}


def glued_skeleton(label: str) -> str:
    """A name's skeleton with its hyphens and dots taken out: "dl-scord.nitro" -> "dlscordnltro"."""
    return skeleton(label.replace("-", "")).replace("-", "").replace(".", "")


def brand_inside(label: str) -> bool:
    """Whether a brand of four letters or more is inside a name once confusables are folded (for the model)."""
    glued = glued_skeleton(label)
    return any(len(shape) >= 4 and shape in glued for shape in BRAND_SKELETONS.values())


def misspelt_brand_inside(label: str, edits: int, shortest: int) -> str | None:
    """A brand of `shortest` letters or more within `edits` edits of a stretch of the name, once confusables are
    folded ("sleamcomunlty-trade" -> "steamcommunity"), or None. Names past 40 letters are not searched."""
    glued = glued_skeleton(label)
    if len(glued) > 40:
        return None
    for brand, shape in BRAND_SKELETONS.items():
        if len(shape) >= shortest and inside_within_edits(shape, glued, edits):
            return brand
    return None
