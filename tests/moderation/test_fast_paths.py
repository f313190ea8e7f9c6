"""The shortcuts of the per-message path against naive references: each must change no answer.

- glued words: the candidates scanned once per message and the leading words compared by first letter;
- reclaimed slurs: only words that may be slurs (listed slur words, or a slur prefix's first letters) looked up;
- the spam model's shape: weights summed once per distinct shape, not per message.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.classifier import SHIPPED, ClassifierRule, TextClassifier, shipped_model_path
from handlers.moderation.engine import build_terms
from handlers.moderation.glued import _CANDIDATE, GLUE_WINDOW, LEADS, MIN_REST, all_reclaimed, glued_terms
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.rules.terms import SLURS, reclaimed
from handlers.moderation.shape import shape_features
from handlers.moderation.terms import UNKNOWN

INSULTS, _PROFANITY = build_terms(ModerationSettings())
_MATCHER = INSULTS.by_language[UNKNOWN]
_SLURS = sorted(w for w, t in _MATCHER.words.items() if t.category == SLURS)[::3]
_SLUR_PREFIXES = sorted(p for p, t in _MATCHER.prefixes.items() if t.category == SLURS)
_WORD = (
    st.sampled_from(_SLURS)
    | st.sampled_from(_SLUR_PREFIXES or ["x"]).map(lambda p: p + "s")
    | st.sampled_from(["i", "m", "im", "a", "proud", "je", "suis", "une", "we", "are", "nous", "les", "you", "the"])
    | st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
)
_LEAD_GLUED = st.tuples(st.sampled_from(LEADS), st.sampled_from([*_SLURS, "idiot", "connard", "salope"])).map("".join)


def _naive_glued(text: str, lookup) -> list:
    found = []
    for word in re.findall(_CANDIDATE, text[:GLUE_WINDOW]):
        for lead in LEADS:
            if word.startswith(lead) and len(word) - len(lead) >= MIN_REST:
                term = lookup(word[len(lead) :])
                if term is not None:
                    found.append(term)
                    break
    return found


@settings(max_examples=300)
@given(st.lists(_WORD | _LEAD_GLUED, max_size=15))
def test_glued_terms_match_the_naive_scan(words):
    text = " ".join(words)
    assert glued_terms(text, _MATCHER.term_for) == _naive_glued(text, _MATCHER.term_for)
    other = text + " "  # another message: the scan kept for the last one is not reused
    assert glued_terms(other, _MATCHER.term_for) == _naive_glued(other, _MATCHER.term_for)


@settings(max_examples=300)
@given(st.lists(_WORD, min_size=1, max_size=20))
def test_reclaimed_asks_only_about_words_that_may_be_slurs(words):
    message = MessageFacts(" ".join(words))
    found = INSULTS.find(message.normalised, message.language)

    def is_slur(word: str) -> bool:
        term = INSULTS.term_for(word, message.language)
        return term is not None and term.category == SLURS

    naive = bool(found) and all(t.category == SLURS and " " not in t.text.strip() for t in found) and all_reclaimed(
        message.normalised.words, is_slur)  # fmt: skip
    assert reclaimed(message, found, INSULTS) == naive


_RULE = ClassifierRule([TextClassifier.load(shipped_model_path(name), name) for name in SHIPPED])


@settings(max_examples=200)
@given(st.text(alphabet="abcXYZ 0123456789!$€%+.:/-@🔥é", max_size=60)
       | st.sampled_from(["FREE NITRO https://bit.ly/abc now!!!", "call +33 6 12 34 56 78", "50% off t.me/x",
                          "see https://a.example/x and www.b.example", "gagnez 1 000 € 🔥🔥🔥"]))  # fmt: skip
def test_the_shape_weights_kept_per_shape_are_those_of_its_features(text):
    for _ in range(2):  # computed, then read from the table
        features = shape_features(text)
        assert _RULE._shape_sums(text) == (len(features), _RULE._bank.feature_sums(features))
