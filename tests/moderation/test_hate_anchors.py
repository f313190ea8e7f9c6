"""The hate patterns' shortcuts against the full search: each must change no finding.

- anchors: a pattern is searched only in a clause holding one token of each set its match needs
  (`anchors.required_tokens`, read from the pattern); the reference searches every pattern in every clause;
- clauses: the message cut at sentence punctuation in C, against the same cut made token by token.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from handlers.moderation import hate, hate_words
from handlers.moderation.anchors import Anchored, required_tokens
from handlers.moderation.hate import PATTERNS, clauses, clauses_by_token, find_hate
from handlers.moderation.normalise import normalise

# Every literal word the patterns name, every word of each class, and the words the exceptions read.
_PATTERN_WORDS = sorted({w for p in PATTERNS for w in re.findall(r"[a-z]+", p.regex.pattern.replace("\\b", " "))})
_BY_CLASS: dict[str, list[str]] = {}
for _word, _symbol in sorted(hate_words.CLASSES.items()):
    _BY_CLASS.setdefault(_symbol, []).append(_word)
_OTHERS = ["black", "people", "they", "those", "ces", "not", "but", "mais", "racist", "called", "me", "t", "es", "qu",
           "un", "all", "the", "les", "tous", "are", "sont", "des"]  # fmt: skip
_WORD = (
    st.sampled_from(sorted(_BY_CLASS)).flatmap(lambda symbol: st.sampled_from(_BY_CLASS[symbol]))
    | st.sampled_from(_PATTERN_WORDS + _OTHERS)
    | st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
)
_PUNCT = st.sampled_from([" ", " ", " ", ". ", "! ", "? ", ", ", "\n", " : ", "'"])


@st.composite
def _messages(draw) -> str:
    words = draw(st.lists(_WORD, max_size=16))
    return "".join(word + draw(_PUNCT) for word in words)


_ASCII = st.characters(codec="ascii", categories=["Ll", "Lu", "Zs"])
_LINE = st.sampled_from(PATTERNS).flatmap(lambda p: st.from_regex(p.regex, fullmatch=True, alphabet=_ASCII))


@st.composite
def _near_misses(draw) -> str:
    """A line one pattern matches, its word classes written as words of the class, among other words and
    punctuation: matches, and lines a negation, a report or a clause end turns away."""
    words = [draw(st.sampled_from(_BY_CLASS[t])) if t in _BY_CLASS else t.lower()
             for t in draw(_LINE).split()]
    words = draw(st.lists(_WORD, max_size=3)) + words + draw(st.lists(_WORD, max_size=3))
    return "".join(word + draw(_PUNCT) for word in words)


@settings(max_examples=800, deadline=None)
@given(_near_misses() | _messages())
@example("kill all the jews. they are rats")
@example("je vais te buter, sale rat")
@example("someone should kill them")
def test_anchored_patterns_find_what_the_full_search_finds(text):
    normalised = normalise(text)
    assert find_hate(normalised) == find_hate(normalised, anchored=False), text


@settings(max_examples=300, deadline=None)
@given(_messages() | st.text(max_size=120))
def test_clauses_cut_in_c_are_the_clauses_cut_token_by_token(text):
    assert clauses(text) == clauses_by_token(text)


def test_clauses_keep_their_bounds() -> None:
    long_clause = " ".join(["word"] * (hate.MAX_CLAUSE + 10)) + ". next one"
    assert clauses(long_clause) == [["word"] * hate.MAX_CLAUSE, ["next", "one"]]
    many = "a. " * (hate.MAX_TOKENS + 50)
    assert sum(map(len, clauses(many))) == sum(map(len, clauses_by_token(many))) == hate.MAX_TOKENS // 2


def test_required_tokens_are_read_from_the_pattern() -> None:
    assert required_tokens(r"\b(?:death to|mort aux) (?:\w+ )?G\b") == (frozenset({"death", "mort"}), frozenset("G"))
    # a gap ending in a space keeps the next word a whole token; "(?:te|t)" is parsed as "t" and an option
    assert required_tokens(r"\bG (?:\w+ ){0,3}(?:should|need to) (?:te|t) K\b") == (
        frozenset("G"), frozenset({"should", "need"}), frozenset({"te", "t"}), frozenset("K"))
    assert required_tokens(r"G are") == ()  # no leading boundary: the match may start inside a word
    assert required_tokens(r"\bmort") == ()  # the token may go on ("mortel")
    assert required_tokens(r"\b(?:\w+ )?G\b") == (frozenset("G"),)
    assert required_tokens(r"\bG[a-z]+ K\b") == (frozenset("K"),)  # "G" is not a whole token there


def test_candidates_are_the_patterns_whose_tokens_are_all_present() -> None:
    anchored = Anchored(["first", "second", "third"],
                        {"first": [frozenset({"a", "b"})], "second": [frozenset("c"), frozenset("d")],
                         "third": []}.__getitem__)  # fmt: skip
    assert anchored.candidates({"b", "x"}) == ("first", "third")
    assert anchored.candidates({"c", "a"}) == ("first", "third")
    assert anchored.candidates({"c", "d"}) == ("second", "third")
    assert anchored.candidates(set()) == ("third",)
