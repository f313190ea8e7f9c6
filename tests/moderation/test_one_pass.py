"""The one-pass shortcuts give what the full paths give: both word lists looked up at once (`TermIndex`),
character references replaced from a table of known ones, the emoji rule's bound before its scan.

Each is compared with the path it replaces on generated text full of what it reads (listed words and their
prefixes, glued and squeezed words, accents, references, colons and pictographs); the engine as a whole is
compared with the engine that takes every full path on rows of every public set in `test_triage.py`.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_terms
from handlers.moderation.normalise import (
    _LEET_TOKEN,
    _LEET_TOKEN_WITH_LEET,
    _REFERENCES,
    REFERENCES_KEPT,
    Normalised,
    _deleet_token,
    normalise,
    normalise_full,
    unescape,
)
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.rules.style import _EMOJI, EmojiSpam
from handlers.moderation.severity import Severity
from handlers.moderation.term_index import TermIndex
from handlers.moderation.terms import LanguageTerms, Term

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "moderation"
ROWS_PER_SET = 700
INSULTS, PROFANITY = build_terms(ModerationSettings())
_CUSTOM = LanguageTerms([Term("bad\\d+", "custom", Severity.LOW, "regex"), Term("xyzzy", "custom", Severity.LOW,
                                                                                  "substring"),
                         Term("zut", "profanity", Severity.LOW), Term("con", "custom", Severity.HIGH)])  # fmt: skip
_LISTS = (INSULTS, PROFANITY, _CUSTOM)
_UNKNOWN = INSULTS.by_language["unknown"]
_WORDS = sorted(_UNKNOWN.word_keys)[::5] + sorted(PROFANITY.by_language["unknown"].word_keys)[::3]
_WORD = (
    st.sampled_from(_WORDS)
    | st.sampled_from(sorted(_UNKNOWN.prefixes)).map(lambda p: p + "s")
    | st.sampled_from(["you", "sale", "espece de", "fucking", "fils de", "les", "the", "bridé", "attardé", "mongol",
                       "empire", "s'est", "un", "baiser", "bad7", "xyzzy", "zut", "con", "fuuuuck", "sh!t"])
    | st.text(alphabet="abcdeilnorstu013!@.é ", min_size=1, max_size=8)
)  # fmt: skip
_GLUED = st.tuples(st.sampled_from(["you", "sale", "espece de ", "fucking", "ta"]), st.sampled_from(_WORDS)).map(
    "".join)  # fmt: skip
_MESSAGE = st.lists(_WORD | _GLUED, max_size=14).map(" ".join) | st.text(max_size=60)


@settings(max_examples=400)
@given(_MESSAGE, st.sampled_from(["fr", "en", "unknown"]))
@example("sale connarde et sales connards, un baiser à l'empire mongol", "fr")
@example("youbitch fuuuuck sh!t bad42 xyzzy zut", "unknown")
def test_one_look_up_finds_what_each_list_finds_alone(text: str, language: str) -> None:
    normalised = normalise(text)
    index = TermIndex([terms.by_language[language] for terms in _LISTS])
    for terms, found in zip(_LISTS, index.find(normalised), strict=True):
        assert Counter(found) == Counter(terms.find(normalised, language))


_REFERENCE_TEXT = st.lists(
    st.sampled_from(["&", "#", "x", "X", ";", "amp", "lt", "not", "notin", "9", "1234", "0", "d800", "110000", "a", " ",
                     "\n", "é", "&amp;", "&#8220;", "&#x1F600;", "&notit;"]),
    max_size=20,
).map("".join) | st.text(alphabet="&#xX;0123456789abcdefnotlmpq \t", max_size=40)  # fmt: skip


@settings(max_examples=500)
@given(_REFERENCE_TEXT)
@example("&amp;&#8220;hi&#x41;&ampx &notit; &#0; &#xD800; &#1114112; & &;")
def test_references_are_replaced_as_html_unescape_replaces_them(text: str) -> None:
    assert unescape(text) == html.unescape(text)
    assert unescape(text) == html.unescape(text)  # from the table of known references this time


def test_the_table_of_known_references_is_bounded() -> None:
    for number in range(REFERENCES_KEPT + 50):
        assert unescape(f"&#{number};") == html.unescape(f"&#{number};")
    assert len(_REFERENCES) <= REFERENCES_KEPT


_EMOJI_TEXT = st.lists(
    st.sampled_from(["🎉", "🔥", "😂", ":", ":tada:", "<:pog:123>", "<a:x:1>", "é", "à", "œ", "ŝ", "a", "1", " "]),
    max_size=30,
).map("".join) | st.text(max_size=40)


@settings(max_examples=500)
@given(_EMOJI_TEXT, st.integers(min_value=2, max_value=14))
@example("🎉" * 13, 12)
@example(":a::b::c::d::e::f::g::h::i::j::k::l::m:", 12)
def test_the_emoji_bound_never_hides_a_wall(text: str, max_emoji: int) -> None:
    """The bound is never below the count, so a message it lets pass could not have hit."""
    count = len(_EMOJI.findall(text))
    assert EmojiSpam._at_most(text) >= count
    assert (EmojiSpam(max_emoji).check(MessageFacts(text)) is not None) == (count > max_emoji)


def test_accented_letters_are_no_emoji_for_the_bound() -> None:
    text = "Très déçu, à côté de la plaque, élevé à la dure, ça ne marche pas, où êtes-vous ? Vérifié à nouveau"
    assert EmojiSpam._at_most(text) == 0
    assert EmojiSpam._at_most(text + " 🎉🎉 :tada:") == 3


_LEET_TEXT = st.lists(
    st.sampled_from(["b1tch", "sh!t", "a$$", "5h1t", "h3llo", "hello!", "wow!!", "x|y", "c++", "€uro", "2024", "_", "é",
                     "café", "x²", "abc", " ", ".", "@", "+", "|", "!", "0", "a"]),
    max_size=20,
).map("".join) | st.text(alphabet="ab1!|+$@€0_é² .", max_size=40)  # fmt: skip


@settings(max_examples=500)
@given(_LEET_TEXT)
def test_only_tokens_holding_a_leet_character_are_read_again(text: str) -> None:
    assert _LEET_TOKEN_WITH_LEET.sub(_deleet_token, text) == _LEET_TOKEN.sub(_deleet_token, text)


_TRICKY = st.lists(
    st.sampled_from(["c.o.n.n.a.r.d", "f u c k", "fuuuuck", "b1tch", "&#99;on", "&amp;", "con\u200bnard", "сonnаrd",
                     "ｃｏｎｎａｒｄ", "Très déçu", "œuvre", "http://x.y/z", "@bob", "www.a.b", "x_y", "·", "A", "Z",
                     "_", "\t", "\n", "\x1c", "\x85", "\xa0", "🎉", "aaa", "ZZZ", "0", "9", " ", "  ", "!", "-", "'"]),
    max_size=20,
).map("".join) | st.text(max_size=60)  # fmt: skip


@settings(max_examples=600)
@given(_TRICKY)
@example("\x1cword\x85 sep\xa0arated\u2028line")
def test_the_fast_normalisation_is_the_full_one(text: str) -> None:
    fast, full = normalise(text), normalise_full(text)
    assert (fast.words, fast.squeezed, fast.source, fast.raw) == (full.words, full.squeezed, full.source, full.raw)


def _views(normalised: Normalised) -> tuple:
    return normalised.words, normalised.squeezed, normalised.source


@pytest.mark.skipif(not (DATA / "extra").is_dir(), reason="public data sets not present")
def test_the_fast_normalisation_is_the_full_one_on_the_public_sets() -> None:
    from handlers.moderation.training.datasets import load_sets

    texts = [example.text for labelled in load_sets(DATA) for example in labelled.examples[:ROWS_PER_SET]]
    assert len(texts) > 5000
    different = [text for text in texts if _views(normalise(text)) != _views(normalise_full(text))]
    assert not different, different[:3]
