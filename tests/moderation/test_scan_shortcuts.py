"""Shortcuts of the scans over a message's text must change no answer: the cheap necessary conditions tried
before the spam and shape patterns, the glued-word scan after a leading space, the hate rule's clauses cut
from one scan of the tokens.

Each pattern (an amount of money, a phone number, a keyword to a short code, a bare link) is slow to search
for because it starts with an alternation or a look-behind, tried at every character; a hint that starts with
a digit or a letter class is scanned fast, and the pattern runs only where the hint matched. Here every
shortcut is compared with its pattern alone on generated text, including the letters a case-blind pattern
matches beyond ASCII ("ſ" for "s", the Kelvin sign for "k", dotted and dotless i).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.moderation import clauses as clause_cut
from handlers.moderation import glued, hate, shape, spam
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.rules.style import RepeatedCharacters

_PIECES = st.sampled_from(
    ["0", "1", "42", "1 000", "12,5", "3.50", "06 12 34 56 78", "+33", "80086", " ", "  ", ".", ",", "-", "\n",
     "$", "€", "£", "₽", "¥", "%", "usd", "USDT", "Eur", "euros", "dollar", "btc", "ETH", "k", "K", "\u212a",
     "ſ", "uſd", "İ", "ı", "to", "TO", "tO", "text", "TXT", "send", "reply", "sms", "win", "per", "day", "mois",
     "www", "WWW", "wWw.", "http", "HTTPS", "://", "x", "é", "🔥", "_", "&#128514;"]
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=25).map("".join) | st.text(max_size=40)


@settings(max_examples=600)
@given(_TEXT)
def test_the_spam_hints_answer_as_the_patterns_alone(text):
    assert spam.has_amount(text) == bool(spam._AMOUNT.search(text))
    assert spam.has_contact(text) == bool(spam._PHONE.search(text) or spam._SHORT_CODE.search(text))
    assert spam.phone_hint(text) == bool(spam._PHONE_HINT.search(text))


@settings(max_examples=600)
@given(_TEXT)
def test_the_shape_hints_answer_as_the_patterns_alone(text):
    assert shape.has_money(text) == bool(shape._MONEY.search(text))
    assert shape.has_phone(text) == bool(shape._PHONE.search(text))
    assert shape.has_bare_link(text) == bool(shape._BARE_LINK.search(text))


def test_the_hints_see_what_a_case_blind_pattern_sees():
    assert spam.has_amount("50 USD") and spam.has_amount("50uſd") and spam.has_amount("3\u212a")
    assert spam.has_contact("Text WIN to 80086") and spam.has_contact("call 06 12 34 56 78")
    assert shape.has_money("1 000 €") and shape.has_money("2\u212a") and not shape.has_money("12 items")
    assert shape.has_bare_link("see WWW.example.org") and shape.has_bare_link("HTTPS://x")
    assert not shape.has_bare_link("a.b c") and not spam.has_amount("room 12") and not spam.has_contact("to 12")


_GLUE_PIECES = st.sampled_from([*glued.LEADS[:12], "sale", "you", "connard", "idiot", "x", "abcd", "0", " ", "  ",
                                "\n", "é", "-"])  # fmt: skip


@settings(max_examples=600)
@given(st.lists(_GLUE_PIECES, max_size=20).map("".join) | st.text(alphabet="saleyoucnrdi0 \n", max_size=40))
def test_the_glued_word_scan_after_a_space_finds_what_the_pattern_finds(text):
    assert glued.candidates(text) == glued._CANDIDATE.findall(text[: glued.GLUE_WINDOW])


def _naive_clauses(source: str) -> list[list[str]]:
    """The clauses token by token, as they were first written."""
    found: list[list[str]] = []
    current: list[str] = []
    for index, match in enumerate(clause_cut.CLAUSE_TOKEN.finditer(source)):
        if index >= hate.MAX_TOKENS:
            break
        token = match.group()
        if token in ".!?;:\n":
            if current:
                found.append(current)
            current = []
        elif len(current) < hate.MAX_CLAUSE:
            current.append(token)
    if current:
        found.append(current)
    return found


@settings(max_examples=600)
@given(st.lists(st.sampled_from(["les", "x", "sont", "42", " ", ". ", "!", "?", ";", ":", "\n", "é", ",", "-"]),
                max_size=40).map("".join) | st.text(alphabet="ab1 .!\n:é", max_size=60))  # fmt: skip
def test_the_clauses_are_those_read_token_by_token(source):
    assert hate.clauses(source) == _naive_clauses(source)


def test_long_clauses_and_texts_are_cut_where_they_were():
    long_clause = " ".join(["mot"] * (hate.MAX_CLAUSE + 5)) + ". fin"
    assert hate.clauses(long_clause) == _naive_clauses(long_clause)
    for source in ("ab " * (hate.MAX_TOKENS + 7), "a" * (hate.TOKENS_WINDOW - 1) + "bcd efg",
                   " " * hate.TOKENS_WINDOW + "les x sont. " * 5, "ab. " * (hate.TOKENS_WINDOW // 3)):
        assert hate.clauses(source) == _naive_clauses(source)


_WALLET_PIECES = st.sampled_from(
    ["0x", "0X", "0x" + "a1" * 20, "0x" + "F" * 40, "0x" + "g" * 40, "1" * 31, "A1" * 16, "bc1qxy2kgdygjrsqtzq2n0yrf"
     "2493p83kkfjhx0wlh", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "I" * 33, "l0O" * 11, "/", ".", " ", "\n", "é", "_",
     "x", "7"]
)  # fmt: skip


@settings(max_examples=600)
@given(st.lists(_WALLET_PIECES, max_size=8).map("".join) | _TEXT)
def test_the_wallet_hint_answers_as_the_pattern_alone(text):
    assert spam.has_wallet(text) == bool(spam._WALLET.search(text))


_RUN = st.tuples(st.sampled_from(["a", "A", "!", " ", "é", "🔥", "\n", "ab", "aab", "x y"]), st.integers(1, 30))
_RUNS = st.lists(_RUN.map(lambda run: run[0] * run[1]) | st.text(max_size=6), max_size=12).map("".join)


@settings(max_examples=500)
@given(_RUNS, st.sampled_from([0, 1, 2, 3, 5, 7, 12, 20]))
def test_a_held_down_key_found_in_the_sampled_text_first_is_the_run_the_pattern_finds(text, max_run):
    sampled, whole = RepeatedCharacters(max_run), RepeatedCharacters(max_run, sampled=False)
    assert sampled.check(MessageFacts(text)) == whole.check(MessageFacts(text))


def test_the_sampled_text_is_read_a_step_apart_for_a_long_enough_run() -> None:
    rule = RepeatedCharacters(12)
    assert rule.step == 3 and rule.check(MessageFacts("no" + "o" * 12)) is not None
    assert rule.check(MessageFacts("no" + "o" * 11)) is None and RepeatedCharacters(2).step == 1
