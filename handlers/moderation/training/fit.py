"""Fitting linear models and choosing their thresholds (training time only: needs scikit-learn).

The threshold is chosen for a low false positive rate, not for the best F1: moderators pay for every false
flag, and the model runs beside the rules, so the rate that matters is that of "the rules or the model flag
it". It is chosen on rows the model did not see (a held-out fifth of the training rows), then the model is
fitted again on all rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from handlers.moderation.model import LinearModel, prune

DEFAULT_MAX_FPR = 0.05
HELD_OUT = 0.2


@dataclass(frozen=True)
class Row:
    features: frozenset[str]
    flag: bool
    weight: float = 1.0
    already: bool = False  # the rules flag it already


def _matrix(rows: Sequence[Row], vocabulary: dict[str, int]):
    from scipy.sparse import csr_matrix

    data, indices, pointers = [], [], [0]
    for row in rows:
        value = 1.0 / np.sqrt(len(row.features)) if row.features else 0.0
        for feature in row.features:
            column = vocabulary.get(feature)
            if column is not None:
                indices.append(column)
                data.append(value)
        pointers.append(len(indices))
    return csr_matrix((data, indices, pointers), shape=(len(rows), len(vocabulary)), dtype=np.float64)


def fit_weights(rows: Sequence[Row], c: float = 4.0, min_count: int = 2) -> tuple[dict[str, float], float]:
    """Logistic regression on the rows' binary features (seen at least `min_count` times), fitted by
    stochastic gradient descent: seconds rather than minutes on tens of thousands of rows."""
    from sklearn.linear_model import SGDClassifier

    counts: dict[str, int] = {}
    for row in rows:
        for feature in row.features:
            counts[feature] = counts.get(feature, 0) + 1
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    model = SGDClassifier(loss="log_loss", alpha=1.0 / (c * len(rows)), max_iter=12, tol=None, random_state=0)
    model.fit(_matrix(rows, vocabulary), [int(r.flag) for r in rows], sample_weight=[r.weight for r in rows])
    names = list(vocabulary)
    return dict(zip(names, model.coef_[0].tolist(), strict=True)), float(model.intercept_[0])


def choose_threshold(scores: Sequence[float], rows: Sequence[Row], max_fpr: float = DEFAULT_MAX_FPR) -> float:
    """The lowest threshold (most recall) at which the model adds at most `max_fpr` false positives (as a share
    of the negatives) to those the rules already make: "rules or model" stays within the rules' rate + max_fpr."""
    negatives = [s for s, r in zip(scores, rows, strict=True) if not r.flag]
    if not negatives:
        return 0.5
    candidates = sorted((s for s, r in zip(scores, rows, strict=True) if not r.flag and not r.already), reverse=True)
    allowed = max(0, int(max_fpr * len(negatives)))
    if allowed >= len(candidates):
        return 0.3
    return min(0.99, max(0.3, candidates[allowed] + 1e-6))


def balance(rows_by_set: dict[str, list[Row]]) -> list[Row]:
    """Every set weighs the same in training, and within a set both classes weigh the same."""
    balanced: list[Row] = []
    for rows in rows_by_set.values():
        positives = sum(r.flag for r in rows)
        negatives = len(rows) - positives
        for row in rows:
            share = positives if row.flag else negatives
            weight = 1000.0 / (2 * share) if share else 0.0
            balanced.append(Row(row.features, row.flag, weight, row.already))
    return balanced


def train(
    rows: Sequence[Row],
    *,
    max_fpr: float = DEFAULT_MAX_FPR,
    keep: int = 120_000,
    c: float = 4.0,
    refit: bool = True,
    seed: int = 42,
    progress: Callable[[str], None] = lambda _: None,
) -> LinearModel:
    """Fit, choose the threshold on a held-out fifth, refit on everything (unless `refit` is off)."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(order) * (1 - HELD_OUT))
    fitting, held = [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]
    progress(f"fitting on {len(fitting)} rows, choosing the threshold on {len(held)}")
    weights, intercept = fit_weights(fitting, c)
    model = LinearModel(prune(weights.items(), keep), intercept, 0.5)
    threshold = choose_threshold([model.score(set(r.features)) for r in held], held, max_fpr)
    if refit:
        progress(f"refitting on all {len(rows)} rows")
        weights, intercept = fit_weights(rows, c)
        model = LinearModel(prune(weights.items(), keep), intercept, threshold)
    model.threshold = threshold
    return model
