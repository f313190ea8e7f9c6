"""The classifier rule: the shipped models, a community's own model, files that load without running code."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.loader import parse_settings
from handlers.moderation.classifier import (
    SHIPPED,
    ClassifierRule,
    TextClassifier,
    load_classifier_rule,
    load_model,
    shipped_model_path,
)
from handlers.moderation.model import LinearModel, ModelBank, message_features, probability
from handlers.moderation.rules.base import MessageFacts
from tests.moderation.work import calls

GOOD = ["see you at the meetup", "thanks for the help", "great stream tonight", "where is the schedule",
        "i love this community", "the patch notes are out", "who wants to team up", "nice screenshot"]  # fmt: skip
BAD = ["you worthless clown get lost", "nobody wants you here loser", "go away you pathetic clown",
       "you are worthless and pathetic", "get lost loser nobody likes you", "pathetic clown go away",
       "worthless loser get out", "you clown nobody wants you"]  # fmt: skip
MAX_SHIPPED_BYTES = 5 * 1024 * 1024


def community(tmp_path, classifier: str = ""):
    settings = parse_settings(
        f"""
[[communities]]
id = "demo"
name = "Demo"
[communities.console]
space_id = "console"
[communities.moderation.classifier]
{classifier}
""",
        "test.toml",
    )
    return settings.communities[0]


def test_the_shipped_models_load_small_and_without_pickle():
    total = 0
    for name in SHIPPED:
        path = shipped_model_path(name)
        total += path.stat().st_size
        with np.load(path, allow_pickle=False) as data:  # numbers and UTF-8 text only
            assert {"features", "weights", "meta"} <= set(data.files)
        model = load_model(path)
        assert 0.3 <= model.threshold < 1 and model.meta["trained_on"]
    assert total + shipped_model_path("domains").stat().st_size < MAX_SHIPPED_BYTES


def test_the_shipped_models_are_on_by_default(tmp_path):
    rule = load_classifier_rule(community(tmp_path))
    assert rule is not None and [name for name, *_ in rule.models] == list(SHIPPED)
    abuse = rule.check(MessageFacts("nobody wants you here, get lost you worthless idiot"))
    spam = rule.check(MessageFacts("FREE entry! Claim your prize now: txt WIN to 80086, winner guaranteed"))
    assert abuse is not None and abuse.detail.startswith("abuse model")
    assert spam is not None and spam.detail.startswith("spam model")
    assert rule.check(MessageFacts("thanks everyone, see you at the meetup on saturday")) is None


def test_scoring_reads_a_bounded_part_of_any_message(tmp_path):
    rule = load_classifier_rule(community(tmp_path))
    small = calls(lambda: rule.check(MessageFacts("word " * 1000)))
    large = calls(lambda: rule.check(MessageFacts("word " * 100_000)))
    assert large <= small * 3  # the models read the first MAX_CHARS characters only


def test_fit_score_save_load(tmp_path):
    pytest.importorskip("sklearn")
    texts = [f"{t} {i}" for i in range(3) for t in GOOD + BAD]
    model = TextClassifier.fit(texts, ([0] * len(GOOD) + [1] * len(BAD)) * 3)
    assert model.score("you pathetic worthless clown") > model.score("thanks for the patch notes")
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = TextClassifier.load(path)
    assert loaded.threshold == pytest.approx(model.threshold) and loaded.examples == len(texts)
    assert loaded.score("you pathetic worthless clown") == pytest.approx(model.score("you pathetic worthless clown"))
    rule = ClassifierRule(loaded, 0.5)
    assert rule.check(MessageFacts("get lost you worthless pathetic loser")) is not None
    assert rule.check(MessageFacts("thanks, see you at the meetup")) is None


def test_a_pickle_or_foreign_file_is_refused_and_disables_the_rule(tmp_path):
    chosen = community(tmp_path, f'model_path = "{tmp_path / "model.npz"}"')
    assert load_classifier_rule(chosen) is None  # missing
    (tmp_path / "model.npz").write_bytes(pickle.dumps({"something": "else"}))
    with pytest.raises(ValueError, match="pickle"):
        load_model(tmp_path / "model.npz")
    assert load_classifier_rule(chosen) is None
    (tmp_path / "model.npz").write_bytes(b"not a model")
    assert load_classifier_rule(chosen) is None
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))
    (tmp_path / "other.npz").replace(tmp_path / "model.npz")
    assert load_classifier_rule(chosen) is None


def test_disabled_means_no_rule(tmp_path):
    assert load_classifier_rule(community(tmp_path, "enabled = false")) is None


def test_one_class_is_refused():
    pytest.importorskip("sklearn")
    with pytest.raises(ValueError, match="both classes"):
        TextClassifier.fit(["a", "b"], [0, 0])


def test_linear_model_round_trip_and_score(tmp_path):
    model = LinearModel({"clown": 2.0, "<clo": 1.0, "thanks": -2.0}, -1.0, 0.6, {"kind": "test"})
    features = message_features(["you", "clown"])
    z = -1.0 + (2.0 + 1.0) / len(features) ** 0.5
    assert model.score(features) == pytest.approx(1 / (1 + np.exp(-z)))
    model.save(tmp_path / "m.npz")
    again = LinearModel.load(tmp_path / "m.npz")
    assert again.weights == model.weights and again.threshold == 0.6 and again.meta["kind"] == "test"
    assert again.explain(features) == [("clown", 2.0), ("<clo", 1.0)]


@given(st.lists(st.sampled_from(["bait:claim", "tld:xyz", "hyphens:2", "len:3", "digits:1"]), unique=True))
def test_reasons_of_equal_weight_come_in_one_order_whatever_the_set_order(names):
    """A flag's explanation must read the same in every process: a set's iteration order is not that."""
    model = LinearModel(dict.fromkeys(names, 1.0), 0.0, 0.5, {})
    assert model.explain(set(names), top=10) == [(name, 1.0) for name in sorted(names)]
    assert model.explain(set(reversed(names)), top=10) == model.explain(set(names), top=10)


@given(st.lists(st.text(alphabet="abcdéz0", max_size=8), max_size=30))
def test_message_features_match_a_naive_reference(words):
    kept = words[:300]
    naive = set(kept) | {kept[i] + " " + kept[i + 1] for i in range(len(kept) - 1)}
    for word in kept:
        if len(word) >= 3:
            padded = f"<{word}>"
            naive |= {padded[i : i + 4] for i in range(len(padded) - 3)}
    assert message_features(words) == naive


_SHIPPED_MODELS = [load_model(shipped_model_path(name)) for name in SHIPPED]
_BANK = ModelBank(_SHIPPED_MODELS)
_VOCABULARY = ["con", "connard", "the", "then", "you", "idiot", "abcd", "aaaaaa", "free", "nitro", "sale", "les", "x",
               "bonjour", "tonight", "onna", "conna"]  # fmt: skip
_WORDS = st.lists(st.sampled_from(_VOCABULARY), max_size=40)


@given(_WORDS)
def test_the_model_bank_sums_exactly_what_each_model_scores_alone(words):
    """Scoring every model in one pass (shared index, per-word cache) changes no score: words sharing 4-grams,
    repeated words and pairs count once, as in the set of features."""
    for _ in range(2):  # cold, then from the per-word cache
        count, sums = _BANK.text_sums(words)
        features = message_features(words)
        assert count == len(features)
        for model, total in zip(_SHIPPED_MODELS, sums, strict=True):
            z = model.intercept + (total / count**0.5 if count else 0.0)
            assert probability(z) == pytest.approx(model.score(features), abs=1e-9)


@given(st.sets(st.sampled_from(["~link", "~phone", "~digits:0", "~capitals:4", "free", "nitro", "unknown"])))
def test_the_model_bank_sums_a_set_of_features_like_the_model(features):
    for model, total in zip(_SHIPPED_MODELS, _BANK.feature_sums(features), strict=True):
        known = set(model.weights) & features
        assert total == pytest.approx(sum(model.weights[f] for f in known), abs=1e-9)


def test_the_model_bank_cache_of_words_is_bounded(monkeypatch):
    monkeypatch.setattr("handlers.moderation.model.WORDS_CACHED", 10)
    bank = ModelBank(_SHIPPED_MODELS)
    for n in range(50):
        bank.text_sums([f"word{n}", "common"])
    assert len(bank._words) <= 10
