"""Spam and self-promotion in French and English: cues weighed together, links, newcomers and unseen domains."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from handlers.moderation.normalise import normalise
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.rules.spam import Spam
from handlers.moderation.spam import _CUES, _RU_CUES, _SINGLE, cue_words, find_spam
from tests.moderation.work import calls

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def spam(text: str) -> bool:
    return find_spam(normalise(text).words, text).spam


@pytest.mark.parametrize(
    "text",
    [
        "sub for sub? check out my channel",
        "Abonnez-vous à ma chaîne, lien en bio !",
        "FREE nitro giveaway, claim now before it expires",
        "Earn $500 per day with this investment platform, DM me",
        "Gagnez 300€ par jour, écris-moi en privé",
        "WINNER! You have won a cash prize, call 09061701461 now",
        "Call 0906 170 1461 now to claim",
        "URGENT! txt WIN to 80086 now",
        "rejoins mon serveur, viens voir ma dernière vidéo",
        "Ringtone of the week! Text TONE to 87021 now, only £1.50",  # a keyword to a short code
        # invented in the shapes of social-network pitches: giveaways, token launches, wallets, referrals
        "NFT giveaway! Follow @someone, like + RT and tag 3 friends",
        "Concours : like et RT, identifiez 2 amis pour gagner",
        "@launchbot deploy Moonfrog with ticker $MFROG",
        "$FROG 0x52908400098527886E0F7030069857D2E4169EE7 send it",
        "Lost funds to a fake exchange? DM me for recovery help",
        "Drop your wallet below for the free NFT",
        "a discount if you sign up here https://shop.example/signup?ref=8831",
        # Russian raids (invented in the usual shapes): read on the raw text
        "Пассивный доход без вложений, пишите в лс",
        "Набираю людей в команду, удаленная работа, подробности в личку",
        "Розыгрыш! Бесплатно раздаём крипту, успей до вечера",
        # the same raids disguised with Latin look-alikes inside Cyrillic words (invented in that shape)
        "Ищy пaртнeрoв в прoeкт, дoхoд oт 500$ в нeдeлю",
        "Нaбирaю людeй, пишитe в лс",
        "Требуется срочно сотрудник, 2 часа в день, от 18 лет",
    ],
)
def test_pitches_are_spam(text: str) -> None:
    assert spam(text)


@pytest.mark.parametrize(
    "text",
    [
        "is the tournament free to enter?",
        "I bought some ETH today, price is wild",
        "le concours commence demain à 20h",
        "can you DM me the schedule?",
        "check my answer above, I think it's right",
        "j'ai gagné ma partie !",
        "So now my dad is gonna call after he gets out of work",
        "reply now please, I'm waiting at the door",
        "lunch cost me 12 euros, call me when you're back",  # money and a call to action: no offer
        "the build is live now, 3 of us tested it: https://example.org/notes",  # a link, urgency, numbers
        "the train was $40 and it left now-ish, call me",
        "$BTC and $ETH are both down today, buy the dip or wait?",  # tickers alone are crypto talk
        "I follow @devnews for the patch notes",
        "we deploy the bot on Friday",
        "my address for the delivery is 12 rue des Lilas",
        "the docs are at https://example.org/page?id=3&lang=fr",
        "Пишите, если после обновления не заработало",  # "write if it still doesn't work": no offer
        "Привет всем, кто знает, как настроить бота?",
        "Бесплатный тариф нам подходит, спасибо",
        "Для этого требуются права администратора",  # "admin rights are required"
        "Добро пожаловать в команду!",
        "Требуется перезагрузка сервера после обновления",  # "a restart is required"
        "Прогноз погоды на выходные хороший",  # "the weather forecast"
        "Я пробовал Modin через Dask и Ray, в Python всё работает",  # English names beside Russian words
        "У меня 32Гб на M2, iPhone и ноутбук",  # a number or a name glued to a Cyrillic word is no disguise
        "it cost me 5$ and a coffee",  # an amount, nothing offered
    ],
)
def test_everyday_messages_are_not(text: str) -> None:
    assert not spam(text)


def test_a_newcomer_posting_a_never_seen_domain_adds_up() -> None:
    rule = Spam(newcomer_minutes=60)
    message = "free giveaway here https://totally-new-site.example/win"
    newcomer = MessageFacts(message, at=T0, joined_at=T0 - timedelta(minutes=5))
    hit = rule.check(newcomer)
    assert hit is not None and "new domain from a newcomer" in hit.detail
    old_member = MessageFacts("free stuff https://another-site.example/a", at=T0, joined_at=T0 - timedelta(days=30))
    assert rule.check(old_member) is None


def test_work_is_linear() -> None:
    small = calls(lambda: find_spam(normalise("free " * 1000).words, "free " * 1000))
    large = calls(lambda: find_spam(normalise("free " * 100_000).words, "free " * 100_000))
    assert large <= small * 3  # the first MAX_WORDS words and AMOUNT_WINDOW characters only


AMPLIFIERS = ["call me", "reply here", "now", "hurry", "it cost $12", "it cost 40 euros", "https://example.org/x",
              "maintenant", "appelez le 3", "today only"]  # fmt: skip


@given(st.lists(st.sampled_from(AMPLIFIERS), min_size=1, max_size=6), st.sampled_from(["", "ok ", "lol "]))
def test_money_links_urgency_and_calls_alone_are_never_spam(parts: list[str], opener: str) -> None:
    text = opener + ", ".join(parts)
    finding = find_spam(normalise(text).words, text, ("link",) if "https" in text else ())
    assert not finding.spam, finding


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@given(
    st.text(alphabet=_BASE58, min_size=32, max_size=44).filter(lambda s: any(c.isdigit() for c in s)),
    st.sampled_from(["CA: {} pump it", "send to {} now", "{}"]),
)
def test_a_crypto_address_is_a_wallet_cue(address: str, frame: str) -> None:
    text = frame.format(address)
    assert "wallet address" in find_spam(normalise(text).words, text).cues


@given(st.text(alphabet="0123456789abcdef", min_size=40, max_size=40))
def test_an_ethereum_address_is_a_wallet_cue(digits: str) -> None:
    text = f"claim at 0x{digits}"
    assert "wallet address" in find_spam(normalise(text).words, text).cues


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=120))
def test_plain_lowercase_words_never_make_a_wallet_or_ticker_cue(text: str) -> None:
    cues = find_spam(normalise(text).words, text).cues  # no digit, no "$": neither can be there
    assert "wallet address" not in cues and "ticker" not in cues


_RU_WORDS = [stem for stems in _RU_CUES.values() for stem in stems] + ["привет", "бот", "спасибо", "в", "лс"]


@given(
    st.lists(
        st.sampled_from(_RU_WORDS) | st.text(alphabet="абвгдежзийклмнопрстуфхцчшщъыьэюя", max_size=8), max_size=12
    ),
    st.sampled_from([" ", "", ", "]),
    st.booleans(),
)
@example(words=["₽"], glue=" ", upper=False)  # the rouble sign alone, with no Cyrillic letter around it
@example(words=["usdt"], glue=" ", upper=False)  # a Latin stem with no Cyrillic letter: no Russian text to read
@example(words=["а", "usdt", "б"], glue="", upper=False)  # a Latin stem inside a Cyrillic word stays readable
def test_russian_cues_match_a_naive_substring_search(words: list[str], glue: str, upper: bool) -> None:
    text = glue.join(words) + " ok"
    text = text.upper() if upper else text
    russian = any("а" <= c <= "я" or c in "ё₽" for c in text.lower())  # the cues are read in Russian text only
    expected = {kind for kind, stems in _RU_CUES.items() if russian and any(stem in text.lower() for stem in stems)}
    found = set(find_spam([], text).cues)  # no words, no digit: only the raw-text Russian cues can be found
    assert found == expected


def test_an_amount_may_end_with_its_sign() -> None:
    for text in ("earn 5000$ a month", "100 $ каждый день", "j'ai payé 40€ hier"):
        assert "money" in find_spam(normalise(text).words, text).cues, text


_SCRIPTS = "абвгдежзиклмнопрстуя" + "abcdekmnoptuxy"


def _disguised_naive(text: str) -> int:
    """Words where one alphabet's letters stand between two of the other's (the definition, letter by letter)."""

    def script(c: str) -> str:
        return "cyrillic" if "а" <= c <= "я" else "latin" if "a" <= c <= "z" else "other"

    def disguised(word: str) -> bool:
        return any(script(word[i]) == script(word[k]) != "other"
                   and all(script(c) not in ("other", script(word[i])) for c in word[i + 1 : k])
                   for i in range(len(word)) for k in range(i + 2, len(word)))  # fmt: skip

    return sum(1 for word in text.split() if disguised(word))


@given(st.lists(st.text(alphabet=_SCRIPTS, min_size=1, max_size=7), min_size=1, max_size=8))
@example(words=["пaрт", "нeр", "oв"])  # three disguised words
@example(words=["ok", "да", "iphoneы", "20аn"])  # switches only at a word's edge
def test_disguised_letters_match_a_naive_count(words: list[str]) -> None:
    text = " ".join(words) + " ы"  # a Cyrillic letter, so the raw-text cues are read
    found = "disguised letters" in find_spam([], text).cues
    assert found == (_disguised_naive(text) >= 3)


@pytest.mark.parametrize("kind,cue", [(kind, cue) for kind, cues in _CUES.items() for cue in cues])
def test_every_listed_cue_is_found_as_a_member_writes_it(kind: str, cue: str) -> None:
    """A cue is found in a message that says it, digits and all ("sub4sub", "f4f", "100x"): normalising reads
    a digit inside a word as a letter, so a cue kept as written would never match (a single word listed under
    two kinds is found as its first)."""
    words = cue_words(cue)
    expected = _SINGLE[words[0]] if len(words) == 1 else kind
    assert expected in find_spam(normalise(f"well {cue} then").words, f"well {cue} then").cues


@pytest.mark.parametrize("text", ["sub4sub? check out my channel", "f4f and l4l, follow back", "s4s, link in bio"])
def test_offers_written_with_digits_are_spam(text: str) -> None:
    assert spam(text)
