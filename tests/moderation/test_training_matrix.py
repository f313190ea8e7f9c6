"""The training matrix fits and scores as the row-by-row trainer does: the same weights (the same vocabulary,
rows and order) and the same scores as `LinearModel.score`, on any choice of sets."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.moderation.model import LinearModel, prune
from handlers.moderation.training.fit import Row, balance, fit_weights
from handlers.moderation.training.matrix import FeatureMatrix

WORDS = ["idiot", "moron", "nul", "con", "merci", "thanks", "the", "le", "a", "hate", "nice", "bravo"]


def _rows(rng: random.Random, size: int) -> list[Row]:
    rows = []
    for _ in range(size):
        flag = rng.random() < 0.4
        words = frozenset([*rng.sample(WORDS[:4] if flag else WORDS[4:], rng.randint(0, 4)), f"rare{rng.random()}"])
        rows.append(Row(words, flag))
    return rows


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), left_out=st.sampled_from(["a", "b", "c"]))
def test_a_fit_on_some_sets_is_the_row_by_row_fit_and_scores_match(seed: int, left_out: str) -> None:
    pytest.importorskip("sklearn")
    rng = random.Random(seed)
    rows = {"a": _rows(rng, 40), "b": _rows(rng, 30), "c": _rows(rng, 25)}
    matrix = FeatureMatrix(rows)
    training = [name for name in rows if name != left_out]
    fitted = matrix.fit(training, keep=1000)

    weights, intercept = fit_weights(balance({name: rows[name] for name in training}))  # the naive reference
    reference = LinearModel(prune(weights.items(), 1000), intercept, 0.5)
    assert fitted.intercept == pytest.approx(reference.intercept, abs=1e-6)
    assert set(fitted.weights) == set(reference.weights)
    for feature, weight in reference.weights.items():
        assert fitted.weights[feature] == pytest.approx(weight, abs=2e-4)  # both rounded to four decimals
    few = matrix.fit(training, keep=5)  # only the strongest weights kept, as `prune` keeps them
    assert set(few.weights) == set(prune(weights.items(), 5))
    for name in rows:  # the rows left out and the rows fitted on alike
        scores = matrix.scores(fitted, name)
        assert scores.tolist() == pytest.approx([fitted.score(set(r.features)) for r in rows[name]], abs=1e-9)


def test_a_row_without_features_scores_the_intercept_and_rare_features_are_left_out() -> None:
    pytest.importorskip("sklearn")
    rows = {"only": [Row(frozenset({"bad", "once"}), True), Row(frozenset({"bad"}), True),
                     Row(frozenset({"good"}), False), Row(frozenset({"good"}), False), Row(frozenset(), False)]}
    matrix = FeatureMatrix(rows)
    model = matrix.fit(["only"])
    assert "once" not in model.weights  # seen in one row only
    assert matrix.scores(model, "only")[-1] == pytest.approx(LinearModel({}, model.intercept, 0.5).score(set()))
