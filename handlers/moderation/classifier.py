"""The optional classifier rule: a small text model trained from labelled rows and moderators' past decisions.

scikit-learn is an optional extra (`pip install cmbot[ml]`): without it, or without a model file, the rule is
simply absent and the bot says so once in the log. The model reads normalised text, so the tricks the word
lists undo (leetspeak, spacing, look-alike letters) are undone for it too. The file is a pickle written by
`cmbot moderation train`: load only models you trained yourself (a pickle can run code).
"""

from __future__ import annotations

import logging
import math
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.settings import Community
from handlers.moderation.normalise import normalise
from handlers.moderation.rules.base import Hit, MessageFacts, Severity

log = logging.getLogger(__name__)
MODEL_FORMAT = "cmbot-moderation-model/1"
MAX_CHARS = 2000  # the model sees at most this much of a message: bounded time
DEFAULT_THRESHOLD = 0.8
TUNING_FOLDS = 3


def best_threshold(scores: Sequence[float], labels: Sequence[int], already: Sequence[bool] | None = None) -> float:
    """The threshold in [0.3, 0.95] with the best Matthews correlation for (already flagged or score >= it).

    Matthews rather than F1: on a balanced sample F1 rewards flagging nearly everything (a flag-all filter
    scores 0.67), while moderators pay for every false positive.
    """
    flagged_before = list(already) if already is not None else [False] * len(scores)
    best, best_mcc = DEFAULT_THRESHOLD, -2.0
    for step in range(30, 96):
        threshold = step / 100
        tp = fp = fn = tn = 0
        for score, label, before in zip(scores, labels, flagged_before, strict=True):
            flagged = before or score >= threshold
            if flagged:
                tp, fp = (tp + 1, fp) if label == 1 else (tp, fp + 1)
            else:
                fn, tn = (fn + 1, tn) if label == 1 else (fn, tn + 1)
        denominator = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
        mcc = (tp * tn - fp * fn) / denominator if denominator else 0.0
        if mcc > best_mcc + 1e-9:
            best, best_mcc = threshold, mcc
    return best


def prepare(text: str) -> str:
    return normalise(text[: MAX_CHARS * 2]).text[:MAX_CHARS]


def make_pipeline() -> Any:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline
    except ImportError as error:  # pragma: no cover - depends on the install
        raise RuntimeError("the classifier needs scikit-learn: pip install 'cmbot[ml]'") from error
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=100_000
                ),
            ),
        ]
    )
    return Pipeline([("features", features), ("model", LogisticRegression(max_iter=2000, class_weight="balanced"))])


class LinearScorer:
    """The TF-IDF + logistic regression pipeline as plain look-ups: feature -> (idf, coefficient) per block."""

    def __init__(self, pipeline: Any) -> None:
        union, model = pipeline.named_steps["features"], pipeline.named_steps["model"]
        coefficients = model.coef_[0]
        self.intercept = float(model.intercept_[0])
        self.blocks: list[tuple[Any, dict[str, tuple[float, float]], bool]] = []
        offset = 0
        for _, vectorizer in union.transformer_list:
            if vectorizer.norm != "l2" or not vectorizer.use_idf:
                raise ValueError("LinearScorer expects l2-normalised TF-IDF blocks")
            idf = vectorizer.idf_
            table = {
                term: (float(idf[j]), float(coefficients[offset + j])) for term, j in vectorizer.vocabulary_.items()
            }
            self.blocks.append((vectorizer.build_analyzer(), table, bool(vectorizer.sublinear_tf)))
            offset += len(vectorizer.vocabulary_)

    def score(self, prepared: str) -> float:
        z = self.intercept
        for analyzer, table, sublinear in self.blocks:
            counts: dict[str, int] = {}
            for feature in analyzer(prepared):
                if feature in table:
                    counts[feature] = counts.get(feature, 0) + 1
            dot = squares = 0.0
            for feature, count in counts.items():
                idf, coefficient = table[feature]
                weight = (1.0 + math.log(count) if sublinear else count) * idf
                dot += weight * coefficient
                squares += weight * weight
            if squares:
                z += dot / math.sqrt(squares)
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


class TextClassifier:
    """A fitted pipeline and how it was made; `score` is the probability that a message needs a moderator."""

    def __init__(self, pipeline: Any, examples: int, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.pipeline = pipeline
        self.examples = examples
        self.threshold = threshold
        self._scorer: LinearScorer | None = None

    @classmethod
    def fit(
        cls, texts: Sequence[str], labels: Sequence[int], already_flagged: Sequence[bool] | None = None
    ) -> TextClassifier:
        """Fit on all rows, and pick the threshold from out-of-fold scores.

        The classifier runs beside the rules, so the threshold chosen is the one that best separates (Matthews
        correlation) "the rules flag it, or the score reaches the threshold" on examples the model did not see
        while scoring them (`already_flagged` holds the rules' verdicts; without it, it is tuned alone).
        """
        if len(set(labels)) < 2:
            raise ValueError("training needs examples of both classes (flag and no flag)")
        prepared = [prepare(t) for t in texts]
        pipeline = make_pipeline()
        pipeline.fit(prepared, list(labels))
        threshold = DEFAULT_THRESHOLD
        if min(sum(labels), len(labels) - sum(labels)) >= TUNING_FOLDS * 2:
            from sklearn.model_selection import StratifiedKFold, cross_val_predict

            folds = StratifiedKFold(n_splits=TUNING_FOLDS, shuffle=True, random_state=42)
            scores = cross_val_predict(make_pipeline(), prepared, list(labels), cv=folds, method="predict_proba")
            threshold = best_threshold([float(p[1]) for p in scores], labels, already_flagged)
        return cls(pipeline, len(texts), threshold)

    def score(self, text: str) -> float:
        """One message's score, computed from the fitted weights directly (same value as `predict_proba`).

        scikit-learn's per-call machinery (validation, sparse matrices) costs about a millisecond; a message
        has a few hundred features, so a dictionary walk is some twenty times faster.
        """
        if self._scorer is None:
            self._scorer = LinearScorer(self.pipeline)
        return self._scorer.score(prepare(text))

    def scores(self, texts: Sequence[str]) -> list[float]:
        return [float(p[1]) for p in self.pipeline.predict_proba([prepare(t) for t in texts])]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": MODEL_FORMAT, "pipeline": self.pipeline, "examples": self.examples,
                   "threshold": self.threshold}  # fmt: skip
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(pickle.dumps(payload))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TextClassifier:
        payload = pickle.loads(path.read_bytes())
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"{path} is not a cmbot moderation model")
        return cls(payload["pipeline"], int(payload.get("examples", 0)),
                   float(payload.get("threshold", DEFAULT_THRESHOLD)))  # fmt: skip


class ClassifierRule:
    name = "classifier"

    def __init__(self, classifier: TextClassifier, threshold: float) -> None:
        self.classifier = classifier
        self.threshold = threshold

    def check(self, message: MessageFacts) -> Hit | None:
        score = self.classifier.score(message.text)
        if score < self.threshold:
            return None
        return Hit(self.name, Severity.MEDIUM, f"{score:.2f}")


def load_classifier_rule(community: Community, base_dir: Path | None = None) -> ClassifierRule | None:
    settings = community.moderation.classifier
    if not settings.enabled:
        return None
    path = settings.model_path
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.exists():
        log.warning("moderation classifier enabled for %s but %s does not exist: run `cmbot moderation train`",
                    community.id, path)  # fmt: skip
        return None
    try:
        model = TextClassifier.load(path)
        return ClassifierRule(model, settings.threshold if settings.threshold is not None else model.threshold)
    except Exception as error:  # a broken or foreign file must not stop the bot
        log.warning("moderation classifier %s could not be loaded: %s", path, error)
        return None
