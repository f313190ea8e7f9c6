"""Thresholds chosen on whole sets left out, per language (training time only: needs scikit-learn).

Used for the abuse model (a threshold per language) and the spam model (one threshold, chosen beside ordinary
chat as well as spam sets: each source of ordinary messages is a set left out in turn, so a threshold that
flags plain sentences on a set the model never saw is refused). A threshold chosen on a random fifth of the
training rows flatters the model: the fifth comes from the same sets, with the same authors, topics and
annotators as the rows it was fitted on. On a set it never saw, the same model adds two to five times more
false positives (measured leave-one-dataset-out). So the abuse model's
thresholds are chosen the way it will be used: each training set (or group of sets that are translations of
each other) is scored by a model fitted without it, and for each language the threshold is the lowest at
which the model adds at most `max_fpr` false positives, beyond those the rules already make, on *every* set
of that language left out, and at which the flags it raises alone (where the rules are silent: what a
moderator would see from the model alone) are right at least `MIN_MODEL_ONLY_PRECISION` of the time there.
A message of unknown language gets the strictest of them.

The regularisation is chosen the same way, never on the set a figure is reported on: for each candidate C, every
training set is scored by the model fitted without it, the thresholds are chosen on those scores as above, and
the C kept is the one whose "rules or model" F1 on the training sets left out is best on average (each set
weighing the same; a tie goes to the more regularised). The benchmark's leave-one-dataset-out calls this on the
sets of each fold only, so the set it reports was never seen by the choice of C either.

Beside each threshold the model keeps the figures measured on the sets left out (precision of the flags only
the model raised, false positives it added), so a community can see what promoting it out of shadow would
cost before doing so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from handlers.moderation.model import LinearModel
from handlers.moderation.training.fit import DEFAULT_MAX_FPR, Row
from handlers.moderation.training.matrix import FeatureMatrix

KEEP = 120_000
C_GRID = (1.0, 4.0, 16.0, 64.0)  # the regularisations `choose_c` tries (inverse strength: larger fits closer)
GRID = tuple(round(0.30 + i / 100, 2) for i in range(70))  # 0.30 … 0.99
TOO_STRICT = 0.99  # no threshold holds the rate: the model is left with this one (almost never flags)
# The flags the model raises where the rules raise none are the ones a moderator sees from it alone: at the
# threshold chosen, at least this share of them must be right on the sets left out (each weighing the same).
MIN_MODEL_ONLY_PRECISION = 0.7


def held_out_scores(
    rows_by_set: Mapping[str, list[Row]],
    groups: Mapping[str, str],
    c: float = 4.0,
    progress: Callable[[str], None] = lambda _: None,
    fitted: dict[tuple[frozenset[str], float], LinearModel] | None = None,
    matrix: FeatureMatrix | None = None,
) -> dict[str, list[float]]:
    """Each set's rows scored by a model fitted on the other sets (a group of sets leaves together). `fitted`
    keeps models by the sets they were fitted on and their C, for a caller that trains several times over the
    same sets (the benchmark's leave-one-out: the model without A and B serves both A's run and B's); `matrix`
    holds the rows of every set named (built here when not given)."""
    matrix = matrix or FeatureMatrix(rows_by_set)
    scores: dict[str, list[float]] = {}
    for group in sorted({groups.get(name, name) for name in rows_by_set}):
        out = [name for name in rows_by_set if groups.get(name, name) == group]
        rest = {name: rows for name, rows in rows_by_set.items() if name not in out}
        if not rest:
            continue
        progress(f"scoring {', '.join(out)} with a model fitted without it")
        key = (frozenset(rest), c)
        model = fitted.get(key) if fitted is not None else None
        if model is None:
            model = matrix.fit(list(rest), c, KEEP)
            if fitted is not None:
                fitted[key] = model
        for name in out:
            scores[name] = matrix.scores(model, name).tolist()
    return scores


def added_false_positives(scores: Sequence[float], rows: Sequence[Row], threshold: float) -> float:
    """False positives the model adds to the rules' own, as a share of the set's negatives."""
    negatives = [(s, r) for s, r in zip(scores, rows, strict=True) if not r.flag]
    if not negatives:
        return 0.0
    return sum(1 for s, r in negatives if s >= threshold and not r.already) / len(negatives)


def model_only_precision(scores: Sequence[float], rows: Sequence[Row], threshold: float) -> tuple[float, int]:
    """(precision, count) of the flags the model raises where the rules raise none."""
    flagged = [r.flag for s, r in zip(scores, rows, strict=True) if s >= threshold and not r.already]
    return (sum(flagged) / len(flagged) if flagged else 0.0), len(flagged)


def combined_f1(scores: Sequence[float], rows: Sequence[Row], threshold: float) -> float:
    """F1 of "the rules or the model flag it" on one set's rows."""
    tp = fp = fn = 0
    for score, row in zip(scores, rows, strict=True):
        flagged = row.already or score >= threshold
        tp += flagged and row.flag
        fp += flagged and not row.flag
        fn += row.flag and not flagged
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose_c(
    rows_by_set: Mapping[str, list[Row]],
    languages: Mapping[str, str],
    groups: Mapping[str, str],
    grid: Sequence[float] = C_GRID,
    *,
    max_fpr: float | Mapping[str, float] = DEFAULT_MAX_FPR,
    min_precision: float = MIN_MODEL_ONLY_PRECISION,
    progress: Callable[[str], None] = lambda _: None,
    fitted: dict[tuple[frozenset[str], float], LinearModel] | None = None,
    matrix: FeatureMatrix | None = None,
) -> tuple[float, dict[float, float], dict[str, list[float]]]:
    """(the C kept, the mean "rules or model" F1 of each C on the training sets left out in turn, the held-out
    scores at the C kept). Only the sets of `rows_by_set` are read: a caller reporting on another set passes
    the sets it may train on."""
    matrix = matrix or FeatureMatrix(rows_by_set)
    figures: dict[float, float] = {}
    scores_of: dict[float, dict[str, list[float]]] = {}
    for c in grid:
        scores = scores_of[c] = held_out_scores(rows_by_set, groups, c, progress, fitted, matrix)
        chosen = choose_thresholds(scores, rows_by_set, languages, max_fpr, min_precision)
        f1s = [combined_f1(scores[n], rows_by_set[n], chosen[languages[n]]["threshold"]) for n in sorted(scores)]
        figures[c] = sum(f1s) / len(f1s) if f1s else 0.0
    best = max(grid, key=lambda c: (round(figures[c], 4), -c))
    return best, figures, scores_of[best]


def _limit(max_fpr: float | Mapping[str, float], name: str) -> float:
    return max_fpr if isinstance(max_fpr, int | float) else max_fpr[name]


def choose_thresholds(
    scores: Mapping[str, Sequence[float]],
    rows_by_set: Mapping[str, Sequence[Row]],
    languages: Mapping[str, str],
    max_fpr: float | Mapping[str, float] = DEFAULT_MAX_FPR,
    min_precision: float = 0.0,
) -> dict[str, dict[str, float]]:
    """Per language: the lowest threshold at which the model adds at most `max_fpr` false positives on every
    set of that language left out (one rate for all, or a rate per set: ordinary chat may allow fewer than a
    set of pitches) and the flags it raises alone are right at least `min_precision` of the time (the mean over
    those sets, each weighing the same), with the figures measured there at that threshold."""
    chosen: dict[str, dict[str, float]] = {}
    for language in sorted({languages[name] for name in scores}):
        names = [name for name in scores if languages[name] == language]

        def holds(t: float, names: list[str] = names) -> bool:
            if any(added_false_positives(scores[n], rows_by_set[n], t) > _limit(max_fpr, n) for n in names):
                return False
            measured = [model_only_precision(scores[n], rows_by_set[n], t) for n in names]
            precisions = [precision for precision, count in measured if count]
            return not precisions or sum(precisions) / len(precisions) >= min_precision

        threshold = next((t for t in GRID if holds(t)), TOO_STRICT)
        flagged = correct = 0
        worst = 0.0
        per_set = []
        for name in names:
            precision, count = model_only_precision(scores[name], rows_by_set[name], threshold)
            flagged += count
            correct += round(precision * count)
            if count:
                per_set.append(precision)
            worst = max(worst, added_false_positives(scores[name], rows_by_set[name], threshold))
        chosen[language] = {
            "threshold": threshold,
            "model_only_precision": round(correct / flagged, 3) if flagged else 0.0,
            "model_only_precision_mean_of_sets": round(sum(per_set) / len(per_set), 3) if per_set else 0.0,
            "model_only_flags": float(flagged),
            "worst_added_fpr": round(worst, 3),
        }
    return chosen


def train_across_sets(
    rows_by_set: Mapping[str, list[Row]],
    languages: Mapping[str, str],
    groups: Mapping[str, str],
    *,
    max_fpr: float | Mapping[str, float] = DEFAULT_MAX_FPR,
    min_precision: float = MIN_MODEL_ONLY_PRECISION,
    c: float | Sequence[float] = 4.0,
    progress: Callable[[str], None] = lambda _: None,
    fitted: dict[tuple[frozenset[str], float], LinearModel] | None = None,
    matrix: FeatureMatrix | None = None,
) -> LinearModel:
    """Thresholds per language chosen on sets left out, then the model fitted on every set. `c` is one
    regularisation, or several to choose among on the sets left out (`choose_c`). `matrix` may hold more sets
    than `rows_by_set` (the benchmark builds it once for all its folds)."""
    matrix = matrix or FeatureMatrix(rows_by_set)
    c_figures: dict[float, float] = {}
    if isinstance(c, int | float):
        scores = held_out_scores(rows_by_set, groups, c, progress, fitted, matrix)
    else:
        c, c_figures, scores = choose_c(rows_by_set, languages, groups, c, max_fpr=max_fpr,
                                        min_precision=min_precision, progress=progress, fitted=fitted,
                                        matrix=matrix)  # fmt: skip
    per_language = choose_thresholds(scores, rows_by_set, languages, max_fpr, min_precision)
    progress(f"fitting on all {sum(map(len, rows_by_set.values()))} rows")
    model = matrix.fit(list(rows_by_set), c, KEEP)
    thresholds = {language: figures["threshold"] for language, figures in per_language.items()}
    per_set = {name: round(added_false_positives(scores[name], rows_by_set[name], thresholds[languages[name]]), 3)
               for name in sorted(scores)}  # fmt: skip
    model.threshold = max(thresholds.values(), default=0.5)  # unknown language: the strictest
    model.meta.update({"thresholds": thresholds, "held_out": per_language, "max_fpr": max_fpr,
                       "min_model_only_precision": min_precision, "added_fpr_left_out": per_set,
                       "threshold_chosen_on": "each training set left out in turn, per language"})  # fmt: skip
    if c_figures:
        model.meta.update({"c": c, "c_left_out_f1": {str(k): round(v, 4) for k, v in c_figures.items()},
                           "c_chosen_on": "each training set left out in turn (mean rules-or-model F1)"})  # fmt: skip
    return model
