"""Spam and self-promotion cues, in French and English: what a pitch is made of, weighed together.

No single word makes spam ("free", « gratuit », "crypto" are everyday words; the crypto talk in a trading
community is not a scam), but pitches are built from the same few parts: an offer (sub-for-sub, "check out
my channel", « abonnez-vous »), a bait (free nitro, airdrop, giveaway, "earn $500 a day"), a way out of the
channel ("DM me", WhatsApp, Telegram, a phone number) and a push ("now", « dernière chance »). Each part found
adds its points; a message with enough points is spam. Cues are found in one pass over the first words of
the normalised message (single words by look-up, phrases by their first word), so the work is linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.moderation.normalise import normalise

MAX_WORDS = 300
FLAG_POINTS = 3

PROMOTION, DM, BAIT, MONEY, PUSH, CONTACT = "self-promotion", "private contact", "bait", "money", "urgency", "contact"
MENTION = "own channel"  # "check out my channel": promotion only with another cue (a link, a bait)
# "call", "reply": everyday words ("my dad is gonna call now"), a pitch's only with a number or a bait beside them.
CALL = "call to action"
# Giveaway mechanics on social networks: follow, like and repost, tag friends, leave a wallet address.
ENGAGEMENT = "engagement bait"
WALLET = "wallet address"  # a crypto address in the text: where a drainer or a "send 1, get 2" pitch sends money
LAUNCH = "token launch command"  # "@bot deploy NAME with ticker $NAME": a bot asked to mint a coin for a pitch
TICKER = "ticker"  # "$MOLT": only strengthens another cue (crypto talk is full of tickers)
REFERRAL = "referral link"  # "?ref=6225", "&aff=": the poster is paid for the click
# Words written in two alphabets at once ("зapaбoтoк", "Pаypal" with a Cyrillic « а »): no one types them but to
# slip past filters, so several in one message are a pitch's disguise, whatever it says.
DISGUISE = "disguised letters"
POINTS = {PROMOTION: 3, MENTION: 2, DM: 2, BAIT: 2, MONEY: 2, PUSH: 1, CONTACT: 2, CALL: 1, "link": 1,
          "shortened link": 2, "new domain from a newcomer": 2, ENGAGEMENT: 2, WALLET: 2, LAUNCH: 3, TICKER: 1,
          REFERRAL: 2, DISGUISE: 3}  # fmt: skip
_CUES: dict[str, tuple[str, ...]] = {
    PROMOTION: (
        "sub for sub", "sub4sub", "s4s", "follow for follow", "f4f", "follow4follow", "l4l", "like for like",
        "follow back", "follow me back", "subscribe to my", "sub to my", "follow me on", "join my server",
        "join my discord",
        "my onlyfans", "link in bio", "link in my bio", "like and subscribe", "abonnez vous", "abonne toi",
        "abonnes toi", "rejoignez mon", "rejoins mon", "suivez moi", "follow moi", "lien en bio",
    ),
    MENTION: (
        "check out my", "follow my", "my new video", "my latest video", "my channel", "my youtube", "my twitch",
        "my stream", "my tiktok", "ma chaine", "mon serveur", "viens voir ma", "venez voir ma", "allez voir ma",
        "ma derniere video", "mon live",
    ),
    ENGAGEMENT: (
        "like rt", "like and rt", "like retweet", "like and retweet", "rt and follow", "follow and rt", "follow rt",
        "retweet and follow", "tag 3", "tag 2", "tag three", "tag two", "tag your friends", "tag a friend",
        "tag friends", "comment your wallet", "drop your wallet", "comment your address", "drop your address",
        "turn on notifications", "how to enter", "to enter", "must follow", "identifie 3", "identifie 2",
        "identifiez 3", "identifiez 2", "like et rt", "rt et follow", "follow et rt", "enter here",
    ),
    DM: (
        "dm me", "dm for", "dms open", "message me", "pm me", "inbox me", "contact me", "text me", "write to me",
        "hit me up", "send me a message", "mp moi", "en mp", "ecris moi", "ecrivez moi", "contactez moi",
        "envoie moi un message", "envoyez moi un message", "whatsapp", "telegram", "wa me", "t me",
    ),
    BAIT: (
        "free nitro", "nitro gratuit", "airdrop", "giveaway", "free crypto", "free money", "passive income",
        "investment", "investing platform", "invest", "profit", "profits", "earn", "earning", "earnings", "gagner",
        "gagnez", "revenus", "forex", "signals", "presale", "whitelist", "claim", "claim your", "winner",
        "you won", "you have won", "prize", "cash prize", "bonus", "promo code", "code promo", "discount", "voucher",
        "guaranteed", "risk free", "double your", "100x", "1000x", "free entry", "selected", "congratulations",
        "felicitations", "cadeau", "gratuit", "gratuitement", "offert", "concours", "remboursement",
        "free mint", "wl spot", "wl giveaway", "seed phrase", "recovery phrase", "private key", "recovery specialist",
        "recovery specialists", "recovery expert", "recover your funds", "recover your lost", "stuck withdrawals",
        "funds recovery", "recuperer vos fonds", "recuperer ses fonds", "recovery", "free nft", "nft gratuit",
    ),
    PUSH: (
        "now", "today only", "limited", "hurry", "act now", "click to claim", "claim now", "urgent", "asap",
        "last chance", "expires", "don t miss",
        "maintenant", "vite", "derniere chance", "aujourd hui seulement", "places limitees", "ne ratez pas",
    ),
    CONTACT: ("txt", "text stop", "send stop", "reply stop"),
    CALL: ("call", "reply", "appelez", "envoyez"),
}  # fmt: skip


def cue_words(cue: str) -> tuple[str, ...]:
    """A cue's words as a message's words read once normalised: a cue written with a digit inside a word
    ("sub4sub", "100x") is read like the message that carries it, whose digits normalising takes for letters
    ("subasub"); split as written, such a cue could never be found."""
    return tuple(normalise(cue).words)


_SINGLE: dict[str, str] = {}
_PHRASES: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _cues in _CUES.items():
    for _cue in _cues:
        _words = cue_words(_cue)
        if len(_words) == 1:
            _SINGLE.setdefault(_words[0], _kind)
        else:
            _PHRASES.setdefault(_words[0], []).append((_words, _kind))
_SINGLE_KEYS = frozenset(_SINGLE)
_PHRASE_KEYS = frozenset(_PHRASES)
# Each phrase as it reads in the message's words joined by spaces (" sub for sub "): words hold no space, so
# the phrase is in the words exactly when this is in " w1 w2 … " (one C substring search instead of slices).
_NEEDLES = {anchor: [(f" {' '.join(words)} ", kind) for words, kind in phrases] for anchor, phrases in _PHRASES.items()}
# (a sign after the number needs no word boundary: "5000$ a month", « 100 € par jour »)
_AMOUNT = re.compile(r"[$€£]\s?\d|\d[\d,.]*\s?(?:[$€£]|(?:usd|usdt|eur|euros?|dollars?|btc|eth)\b)|\b\d+\s?k\b", re.I)
_RATE = re.compile(r"\b(?:per|a|par|/)\s?(?:day|week|month|jour|semaine|mois)\b", re.I)
_PERIODS = frozenset({"day", "week", "month", "jour", "semaine", "mois"})  # _RATE is tried only beside one
_PHONE = re.compile(r"(?<!\w)\+?\d[\d .\-]{8,16}\d(?!\w)")
# "Text WIN to 80086", "reply YES to 8007": a keyword to a short code, the SMS pitch's way out (bounded gap).
_SHORT_CODE = re.compile(r"\b(?:text|txt|send|reply|sms)\b[^.\n]{0,30}?\bto\s?\d{4,6}\b", re.I)
# A crypto address: "0x" and 40 hexadecimal digits (Ethereum and its kin), or 32 to 44 base-58 letters with
# digits among them (Bitcoin, Solana, Tron…).
_BASE58 = "[1-9A-HJ-NP-Za-km-z]{32,44}"
_WALLET = re.compile(rf"\b0x[0-9a-fA-F]{{40}}\b|(?<![\w/.])(?={_BASE58}\b)(?=\w*\d){_BASE58}\b")
# Either kind of address is a run of at least 32 ASCII letters and digits: a class the regular expression engine
# scans fast, where `_WALLET` tries its alternation and look-arounds at every character (see `has_wallet`).
_WALLET_HINT = re.compile(r"[0-9A-Za-z]{32}")
_LAUNCH = re.compile(r"\bdeploy\b[^\n]{0,80}?\bticker\b|@\w+\s+deploy\b", re.I)
_TICKER = re.compile(r"(?<![\w$])\$[A-Za-z][A-Za-z0-9]{1,9}\b")
_REFERRAL = re.compile(r"[?&](?:ref|referral|refcode|invite_code|aff|affiliate|aff_id)=\w", re.I)
_FOLLOW_HANDLE = re.compile(r"\bfollow\s+@\w", re.I)
# Russian-language pitches, read on the raw lower-cased text (normalising folds Cyrillic letters into Latin
# look-alikes, which no word list can read): stems of the usual offers of Telegram and Discord spam raids, from
# general knowledge of them ("passive income", "write to me in private", "no investment needed"), each to its kind
# (never "заработало", "it works now", the everyday word of a technical chat).
_RU_CUES = {
    BAIT: ("заработок", "заработка", "заработать", "заработай", "заработаешь", "заработаете", "доход", "пассивн",
           "без вложений", "инвестиц", "прибыл", "выплат", "бесплатн", "бонус", "розыгрыш", "раздач", "подарок",
           "подарки", "криптовалют", "биткоин", "удалённ", "удаленн", "подработ", "выигр", "набираю", "требуются",
           "в команду", "требуется", "часа в день", "часов в день", "часа в сутки", "интим", "голые", "оголенн",
           "прогноз", "букмекер"),
    # hiring words are everyday too ("admin rights are required"): bait, not an offer alone
    DM: ("в лс", "в личку", "в личные", "пишите", "пиши ", "напишите", "напиши ", "обращайтесь", "в телеграм",
         "в тг", "ватсап"),
    PROMOTION: ("ищу людей", "ищем людей", "подписывайтесь", "подпишись",
                "переходи по ссылке", "переходите по ссылке", "ссылка в профиле", "ссылка в описании"),
    PUSH: ("срочно", "только сегодня", "успей", "мало мест", "ограничен"),
    MONEY: ("руб", "₽", "usdt", "тыс", "баксов"),
}  # fmt: skip
# one search per kind: a kind is found wherever one of its stems is, whatever other stems overlap it
_RU = tuple((kind, re.compile("|".join(map(re.escape, cues)))) for kind, cues in _RU_CUES.items())
# a character every Russian cue holds: a Cyrillic letter, or the rouble sign alone ("500₽" in Latin text)
RU_CUE_GATE = re.compile("[а-яё₽]", re.I)
# A word switching alphabet between two letters of the other one: "пaртнeрoв" (Latin « a », « e », « o » inside
# Cyrillic), "Pаypal" (a Cyrillic « а » inside Latin); Greek letters and small capitals count as Latin look-alikes.
# Never a word glued to a number or a brand at its edge ("20А", "iPhoneы"): the switch must be inside the word.
_FOREIGN = "a-zα-ωᴀ-ᴢʙʜʀʏɢɪʟɴʍɜɯɸᴨᴩᴧᴦ"
_MIXED_WORD = re.compile(rf"[а-яё][{_FOREIGN}]+[а-яё]|[{_FOREIGN}][а-яё]+[{_FOREIGN}]", re.I)
DISGUISED_WORDS = 3
_CYRILLIC_WORD = re.compile(r"\w*[а-яё]\w*", re.I)
# Latin, Greek and small-capital look-alikes back to the Cyrillic letters they stand for, inside words that hold
# Cyrillic, so the Russian stems read "зapaбoткa" as « заработка ».
_TO_CYRILLIC = str.maketrans({"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "n": "п",
                              "o": "о", "p": "р", "t": "т", "u": "и", "x": "х", "y": "у", "α": "а", "ο": "о",
                              "ᴀ": "а", "ʙ": "в", "ᴄ": "с", "ᴇ": "е", "ʜ": "н", "ᴋ": "к", "ᴍ": "м", "ʍ": "м",
                              "ᴏ": "о", "ᴘ": "р", "ᴩ": "р", "ᴛ": "т", "ᴨ": "п", "ᴧ": "л", "ɜ": "з", "ɯ": "ш",
                              "ɸ": "ф", "ᴦ": "г"})  # fmt: skip


def _to_cyrillic(match: re.Match[str]) -> str:
    return match.group().translate(_TO_CYRILLIC)


# The words without which the raw-text cues above cannot be present (the engine's triage opens the rule on them).
RAW_CUE_WORDS = frozenset({"ticker", "follow", "deploy"})
AMOUNT_WINDOW = 2000
_DIGIT = re.compile(r"\d")
_ASCII_DIGIT = re.compile(r"[0-9]")  # `_DIGIT` on ASCII text, where both mean the same: a cheaper class to scan


def has_digit(text: str) -> bool:
    """A digit (any script's) among the first `AMOUNT_WINDOW` characters: what opens the amount, phone and
    wallet cues. Asked once per message by the engine (`MessageFacts.has_digit`)."""
    digit = _ASCII_DIGIT if text.isascii() else _DIGIT
    return digit.search(text, 0, AMOUNT_WINDOW) is not None


# Necessary conditions of the three patterns above that the regular expression engine scans fast (they start
# with a digit or a letter class, not an alternation or a look-behind): the patterns run only where these match
# (`has_amount`, `has_contact`; the same answers, checked against the patterns alone in the tests).
_AMOUNT_HINT = re.compile(r"\d[\d,.]*\s?[uedbk]", re.I)
_PHONE_HINT = re.compile(r"\d[\d .\-]{8,16}\d")
# `_PHONE_HINT` on ASCII text, where `\d` is `[0-9]`: a range the engine tests in a few instructions, where `\d`
# asks the Unicode tables about every character.
_ASCII_PHONE_HINT = re.compile(r"[0-9][0-9 .\-]{8,16}[0-9]")
_SHORT_CODE_HINT = re.compile(r"[tT][oO]\s?\d{4}")  # under re.I, "t" and "o" match only these


def has_amount(window: str) -> bool:
    """`_AMOUNT` matches somewhere in `window`."""
    return bool(("$" in window or "€" in window or "£" in window or _AMOUNT_HINT.search(window))
                and _AMOUNT.search(window))  # fmt: skip


def has_contact(window: str) -> bool:
    """`_PHONE` or `_SHORT_CODE` matches somewhere in `window`."""
    return bool((phone_hint(window) and _PHONE.search(window))
                or (_SHORT_CODE_HINT.search(window) and _SHORT_CODE.search(window)))  # fmt: skip


def phone_hint(text: str) -> bool:
    """`_PHONE_HINT` matches somewhere in `text` (a necessary condition of `_PHONE`, which the spam cues and the
    spam model's shape both ask about)."""
    return (_ASCII_PHONE_HINT if text.isascii() else _PHONE_HINT).search(text) is not None


def has_wallet(window: str) -> bool:
    """`_WALLET` matches somewhere in `window`."""
    return bool(_WALLET_HINT.search(window) and _WALLET.search(window))


# What a pitch offers or where it sends: a message is spam only with one of these. Money, a link, urgency and a
# call to action only strengthen one; alone they are everyday chat ("lunch cost me 12 euros, call me when you're
# back", "the build is live now: https://…").
AMPLIFIERS = frozenset({MONEY, PUSH, CALL, "link", TICKER})


@dataclass(frozen=True, slots=True)
class SpamFinding:
    points: int
    cues: tuple[str, ...]

    @property
    def spam(self) -> bool:
        return self.points >= FLAG_POINTS and not AMPLIFIERS.issuperset(self.cues)


def find_spam(words: list[str], raw: str, extra: tuple[str, ...] = (), digit: bool | None = None) -> SpamFinding:
    """The cues of a message (its normalised words and raw text), each kind counted once, and their points.
    `extra` adds cues the caller knows of (a link to a never-seen domain from a newcomer...); `digit` is
    `has_digit(raw)` when the caller already asked."""
    words = words[:MAX_WORDS]
    kinds: set[str] = set(extra)
    for word in _SINGLE_KEYS.intersection(words):
        kinds.add(_SINGLE[word])
    anchors = _PHRASE_KEYS.intersection(words)  # set operations in C; Python only where a phrase may start
    if anchors:
        joined = f" {' '.join(words)} "
        for anchor in anchors:
            kinds.update(kind for needle, kind in _NEEDLES[anchor] if needle in joined)
    window = raw[:AMOUNT_WINDOW]
    if has_digit(window) if digit is None else digit:
        if has_amount(window) or (not _PERIODS.isdisjoint(words) and _RATE.search(window)):
            kinds.add(MONEY)
        if has_contact(window):
            kinds.add(CONTACT)
        if has_wallet(window):
            kinds.add(WALLET)
    if ("ticker" in words or "deploy" in words) and _LAUNCH.search(window):
        kinds.add(LAUNCH)
    if "follow" in words and _FOLLOW_HANDLE.search(window):
        kinds.add(ENGAGEMENT)
    if not window.isascii() and RU_CUE_GATE.search(window):
        lowered = window.lower()
        readings: tuple[str, ...] = (lowered,)
        if _MIXED_WORD.search(lowered):  # words disguised with look-alikes: counted, and read as the Cyrillic too
            disguised = sum(1 for word in _CYRILLIC_WORD.findall(lowered) if _MIXED_WORD.search(word))
            if disguised >= DISGUISED_WORDS:
                kinds.add(DISGUISE)
            readings = (lowered, _CYRILLIC_WORD.sub(_to_cyrillic, lowered))  # a Latin stem ("usdt") stays readable
        kinds.update(kind for kind, stems in _RU if any(stems.search(reading) for reading in readings))
    if "$" in window and _TICKER.search(window):
        kinds.add(TICKER)
    if "=" in window and _REFERRAL.search(window):
        kinds.add(REFERRAL)
    points = sum(POINTS.get(kind, 2) for kind in kinds)
    return SpamFinding(points, tuple(sorted(kinds)))
