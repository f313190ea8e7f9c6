"""The model bank (every text model scored in one pass from per-word sums) against each model scoring alone.

`ModelBank.text_sums` adds one cached tuple of sums per distinct word and takes back the extra copies of a
feature two words share (a 4-gram such as "ing>", or a word that is another word's 4-gram); the reference is
`LinearModel.score` on the set of the message's features. Checked on generated words chosen to share 4-grams,
and on rows of every public set (skipped cleanly without the data): the same scores to float precision and
the same verdict at every model's threshold.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from handlers.moderation.classifier import MAX_CHARS, SHIPPED, load_model, shipped_model_path
from handlers.moderation.model import LinearModel, ModelBank, message_features, probability
from handlers.moderation.normalise import normalise
from tests.moderation.public_rows import public_sets_present, sampled_texts

ROWS_PER_SET = 700
_MODELS = [load_model(shipped_model_path(name)) for name in SHIPPED]
_BANK = ModelBank(_MODELS)  # built once: a bank of the shipped models holds about 100,000 features
# words that share 4-grams with each other ("<the", "ing>", "onna"), words that are their own 4-gram, repeats
_SHARING = ["the", "then", "they", "them", "going", "doing", "thing", "onna", "connard", "conna", "aaaa", "aaaaaa",
            "nitro", "nitros", "free", "freedom", "sale", "sales", "idiot", "idiots", "x", "ab"]  # fmt: skip
_WORDS = st.lists(st.one_of(st.sampled_from(_SHARING), st.text(alphabet="aeinot<>", min_size=1, max_size=7)),
                  max_size=40)  # fmt: skip


def _scores(bank: ModelBank, words: list[str]) -> list[float]:
    count, sums = bank.text_sums(words)
    assert count == len(message_features(words))
    return [probability(intercept + (total / count**0.5 if count else 0.0))
            for intercept, total in zip(bank.intercepts, sums, strict=True)]  # fmt: skip


def _reference(words: list[str]) -> list[float]:
    features = message_features(words)
    return [model.score(features) for model in _MODELS]


@given(_WORDS)
@example(["onna"])  # a word that is one of its own 4-grams: counted once
@example(["onna", "connard", "conna"])  # a word that is another word's 4-gram, and a 4-gram of two words
@example(["going", "doing", "thing", "going"])
def test_the_bank_scores_what_each_model_scores_alone(words: list[str]) -> None:
    _BANK._words.clear()
    for _ in range(2):  # cold, then from the per-word cache
        assert _scores(_BANK, words) == pytest.approx(_reference(words), abs=1e-9)


@given(st.lists(st.sampled_from(["a", "b", "c", "abcd", "bcde", "xabc"]), max_size=12))
def test_shared_features_count_once_with_hand_made_weights(words: list[str]) -> None:
    """Every feature weighted apart (a power of two each), so any feature counted twice or missed shows."""
    features = sorted(message_features(["a", "b", "c", "abcd", "bcde", "xabc", "a b", "b c"]) |
                      {"a b", "b c", "c a", "abcd bcde"})  # fmt: skip
    weights = {feature: 2.0**index for index, feature in enumerate(features)}
    model = LinearModel(weights, 0.0, 0.5)
    count, (total,) = ModelBank([model]).text_sums(words)
    expected = message_features(words)
    assert count == len(expected)
    assert total == sum(weights.get(feature, 0.0) for feature in expected)


@pytest.mark.skipif(not public_sets_present(), reason="public data sets not present")
def test_the_bank_scores_the_public_sets_as_each_model_alone() -> None:
    texts = sampled_texts(ROWS_PER_SET)
    differences = []
    for text in texts:
        words = normalise(text[:MAX_CHARS]).words
        mine, theirs = _scores(_BANK, words), _reference(words)
        same_verdicts = [a >= m.threshold for a, m in zip(mine, _MODELS, strict=True)] == [
            b >= m.threshold for b, m in zip(theirs, _MODELS, strict=True)]  # fmt: skip
        if mine != pytest.approx(theirs, abs=1e-9) or not same_verdicts:
            differences.append((text[:80], mine, theirs))
    assert not differences, differences[:5]
    assert len(texts) > 5000
