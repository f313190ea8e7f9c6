"""The optional classifier rule: a small text model trained from labelled rows and moderators' past decisions.

scikit-learn is an optional extra (`pip install cmbot[ml]`): without it, or without a model file, the rule is
simply absent and the bot says so once in the log. The model reads normalised text, so the tricks the word
lists undo (leetspeak, spacing, look-alike letters) are undone for it too. The file is a pickle written by
`cmbot moderation train`: load only models you trained yourself (a pickle can run code).
"""

from __future__ import annotations

import logging
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


class TextClassifier:
    """A fitted pipeline and how it was made; `score` is the probability that a message needs a moderator."""

    def __init__(self, pipeline: Any, examples: int) -> None:
        self.pipeline = pipeline
        self.examples = examples

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[int]) -> TextClassifier:
        if len(set(labels)) < 2:
            raise ValueError("training needs examples of both classes (flag and no flag)")
        pipeline = make_pipeline()
        pipeline.fit([prepare(t) for t in texts], list(labels))
        return cls(pipeline, len(texts))

    def score(self, text: str) -> float:
        return float(self.pipeline.predict_proba([prepare(text)])[0][1])

    def scores(self, texts: Sequence[str]) -> list[float]:
        return [float(p[1]) for p in self.pipeline.predict_proba([prepare(t) for t in texts])]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": MODEL_FORMAT, "pipeline": self.pipeline, "examples": self.examples}
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(pickle.dumps(payload))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TextClassifier:
        payload = pickle.loads(path.read_bytes())
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"{path} is not a cmbot moderation model")
        return cls(payload["pipeline"], int(payload.get("examples", 0)))


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
        return ClassifierRule(TextClassifier.load(path), settings.threshold)
    except Exception as error:  # a broken or foreign file must not stop the bot
        log.warning("moderation classifier %s could not be loaded: %s", path, error)
        return None
