"""Every training row as one sparse matrix, so a model is fitted and scored on any choice of sets without
rebuilding it (training time only: needs scikit-learn and scipy).

Choosing thresholds on whole sets left out fits one model per set left out, and the benchmark's
leave-one-dataset-out fits one more per pair of sets: tens of fits over the same rows. Building each fit's
matrix from the rows' feature sets in Python, then scoring the rows left out one by one, cost minutes each
on a loaded machine. Here the rows' features are indexed once (one sorted vocabulary of every feature seen,
one row per example, each value `1/sqrt(n)` for a row of `n` distinct features, as `LinearModel.score` reads
them); a fit selects its rows and the columns seen at least twice in them, and scoring is one product of the
matrix with the model's weights. The weights and scores are those of `fit.fit_weights` and
`LinearModel.score` on the same rows (the same vocabulary, the same row order), to floating-point rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from handlers.moderation.model import LinearModel, prune
from handlers.moderation.training.fit import Row


class FeatureMatrix:
    """The rows of several named sets over one vocabulary; `fit` and `scores` work on sets chosen by name."""

    def __init__(self, rows_by_set: Mapping[str, Sequence[Row]]) -> None:
        from scipy.sparse import csr_matrix

        names = sorted({feature for rows in rows_by_set.values() for row in rows for feature in row.features})
        self.vocabulary = names
        self._index = index = {name: i for i, name in enumerate(names)}
        indices: list[int] = []
        data: list[float] = []
        pointers = [0]
        self.spans: dict[str, tuple[int, int]] = {}
        self._last: tuple[LinearModel, np.ndarray] | None = None
        self.flags: dict[str, np.ndarray] = {}
        self.already: dict[str, np.ndarray] = {}
        start = 0
        for set_name, rows in rows_by_set.items():
            for row in rows:
                columns = sorted(index[feature] for feature in row.features)
                indices.extend(columns)
                if columns:
                    data.extend([1.0 / np.sqrt(len(columns))] * len(columns))
                pointers.append(len(indices))
            self.spans[set_name] = (start, start + len(rows))
            self.flags[set_name] = np.array([r.flag for r in rows], dtype=bool)
            self.already[set_name] = np.array([r.already for r in rows], dtype=bool)
            start += len(rows)
        self.matrix = csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), pointers),
                                 shape=(start, len(names)))  # fmt: skip

    def _rows(self, sets: Iterable[str]) -> np.ndarray:
        return np.concatenate([np.arange(*self.spans[name]) for name in sets])

    def fit(self, sets: Sequence[str], c: float = 4.0, keep: int = 120_000, min_count: int = 2) -> LinearModel:
        """A model fitted on `sets` as `fit.fit_weights(balance(...))` fits it: every set weighs the same and,
        within a set, both classes weigh the same; features seen in fewer than `min_count` rows are left out."""
        from sklearn.linear_model import SGDClassifier

        rows = self._rows(sets)
        weights = np.concatenate([self._balanced(name) for name in sets])
        labels = np.concatenate([self.flags[name] for name in sets]).astype(int)
        selected = self.matrix[rows]
        seen = np.diff(selected.tocsc().indptr)
        columns = np.flatnonzero(seen >= min_count)
        model = SGDClassifier(loss="log_loss", alpha=1.0 / (c * len(rows)), max_iter=12, tol=None, random_state=0)
        model.fit(selected[:, columns], labels, sample_weight=weights)
        coefficients = model.coef_[0]
        if len(coefficients) > keep:  # `prune` sorts every weight: keep its candidates only, the same result
            kept = np.argpartition(-np.abs(coefficients), keep - 1)[:keep]
            kept.sort()
            columns, coefficients = columns[kept], coefficients[kept]
        names = [self.vocabulary[i] for i in columns]
        return LinearModel(prune(zip(names, coefficients.tolist(), strict=True), keep),
                           float(model.intercept_[0]), 0.5)  # fmt: skip

    def _balanced(self, name: str) -> np.ndarray:
        flags = self.flags[name]
        positives = int(flags.sum())
        negatives = len(flags) - positives
        return np.where(flags, 1000.0 / (2 * positives) if positives else 0.0,
                        1000.0 / (2 * negatives) if negatives else 0.0)  # fmt: skip

    def scores(self, model: LinearModel, name: str) -> np.ndarray:
        """`model.score` of every row of set `name`, in one product (a row with no feature scores the intercept)."""
        start, stop = self.spans[name]
        z = model.intercept + self.matrix[start:stop] @ self._vector(model)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))

    def _vector(self, model: LinearModel) -> np.ndarray:
        """The model's weights over this vocabulary (a model is often scored on several sets in a row)."""
        if self._last is not None and self._last[0] is model:
            return self._last[1]
        vector = np.zeros(len(self.vocabulary))
        for feature, weight in model.weights.items():
            i = self._index.get(feature)
            if i is not None:  # a feature of the model absent from these rows changes none of their scores
                vector[i] = weight
        self._last = (model, vector)
        return vector
