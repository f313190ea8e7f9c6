"""The classifier rule: small linear text models beside the word lists and patterns.

cmbot ships two models in `config/models/` (abuse: hate, insults, threats; spam: scams, self-promotion),
trained by `python -m handlers.moderation.training` from public labelled sets, and each community may train
its own from its moderators' decisions (`cmbot moderation train`), which then replaces them. Models are
`.npz` files of numbers and text (see `model.py`): loading one never runs code, so a pickle from an older
version is refused with a message saying to retrain. Scoring reads the message's normalised words, so the
tricks the word lists undo (leetspeak, spacing, look-alike letters) are undone for the models too, and the
normalisation is shared with the other rules (done once per message).

Each hit names the model and its score ("abuse model 0.93"); beside the rules' hits a flag therefore says
whether the rules, a model or both fired (`Verdict.source`). The abuse model knows that a message is rude, not
whom it is aimed at, and alone it is wrong more often than the rules: its hit alone is of low severity (and the
rule is in shadow mode by default). When it agrees with an abuse rule acting on the same message (a listed
term, a hate pattern), the two kinds of evidence are independent and the flag is far more often right: its hit
is then high and says so ("abuse model 0.93, agrees with the rules", `agreement.py`). The rules' own hits keep
their severities (hate against a group high, an insult at a person medium).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from config.settings import Community
from handlers.moderation.concepts import class_features, concept_classes, concept_features
from handlers.moderation.language import LANGUAGES, UNKNOWN
from handlers.moderation.model import MAX_WORDS, LinearModel, ModelBank, message_features, probability
from handlers.moderation.normalise import normalise
from handlers.moderation.rules.base import Hit, MessageFacts, Severity
from handlers.moderation.shape import ShapeKey, shape_features, shape_features_of, shape_key
from handlers.moderation.urls import Link

log = logging.getLogger(__name__)
SHIPPED = ("abuse", "spam")
MAX_CHARS = 4000  # a model reads at most this much of a message: bounded work
_PICKLE_MAGIC = b"\x80"
SHAPES_CACHED = 4096  # distinct message shapes whose weights a classifier rule keeps: bounded memory
CONCEPTS_CACHED = 4096  # distinct sets of concepts whose weights a classifier rule keeps: bounded memory


def shipped_model_path(name: str) -> Path:
    return Path(str(resources.files("config").joinpath("models", f"{name}.npz")))


def load_model(path: Path) -> LinearModel:
    """A model file, or ValueError saying why not (a pickle from an older version is refused, never loaded)."""
    with path.open("rb") as handle:
        if handle.read(1) == _PICKLE_MAGIC:
            raise ValueError(f"{path} is a pickle from an older cmbot: it is not loaded; run `cmbot moderation train`")
    return LinearModel.load(path)


class TextClassifier:
    """One linear model over message text; `fit` trains it (scikit-learn needed at training time only)."""

    def __init__(self, model: LinearModel, name: str = "community") -> None:
        self.model = model
        self.name = name

    @property
    def threshold(self) -> float:
        return self.model.threshold

    @property
    def examples(self) -> int:
        return int(self.model.meta.get("examples", 0))

    @classmethod
    def fit(
        cls, texts: Sequence[str], labels: Sequence[int], already_flagged: Sequence[bool] | None = None
    ) -> TextClassifier:
        """Fit on the rows; the threshold is chosen on a held-out fifth so the model adds few false positives
        to the rules' own (`already_flagged` holds the rules' verdicts)."""
        from handlers.moderation.training.fit import Row, balance, train

        if len(set(labels)) < 2:
            raise ValueError("training needs examples of both classes (flag and no flag)")
        already = list(already_flagged) if already_flagged is not None else [False] * len(texts)
        rows = [
            Row(frozenset(features_of(text)), bool(label), 1.0, flagged)
            for text, label, flagged in zip(texts, labels, already, strict=True)
        ]
        try:
            model = train(balance({"community": rows}), max_fpr=0.05)
        except ImportError as error:  # pragma: no cover - depends on the install
            raise RuntimeError("training needs scikit-learn: pip install 'cmbot[ml]'") from error
        model.meta.update({"kind": "community", "examples": len(texts)})
        return cls(model)

    @property
    def shaped(self) -> bool:
        """The model also reads the message's shape (links, numbers, capitals: `shape.py`), as spam models do."""
        return bool(self.model.meta.get("shape"))

    @property
    def conceptual(self) -> bool:
        """The model also reads the classes the rules give the message's words (`concepts.py`), as the
        shipped abuse model does."""
        return self.model.reads_concepts

    def score(self, text: str) -> float:
        features = features_of(text, self.conceptual)
        return self.model.score(features | shape_features(text) if self.shaped else features)

    def scores(self, texts: Sequence[str]) -> list[float]:
        return [self.score(text) for text in texts]

    def save(self, path: Path) -> None:
        self.model.save(path)

    @classmethod
    def load(cls, path: Path, name: str = "community") -> TextClassifier:
        return cls(load_model(path), name)


def features_of(text: str, concepts: bool = False) -> set[str]:
    """A text model's features of `text`: words, pairs and 4-grams, and the words' concepts when asked."""
    words = normalise(text[:MAX_CHARS]).words
    features = message_features(words)
    return features | concept_features(words[:MAX_WORDS]) if concepts else features


class ClassifierRule:
    """Every loaded model on every message; the hit names the model that scored highest past its threshold."""

    name = "classifier"

    def __init__(self, classifier: TextClassifier | Sequence[TextClassifier], threshold: float | None = None) -> None:
        classifiers = [classifier] if isinstance(classifier, TextClassifier) else list(classifier)
        # per model, its threshold for each language (a configured threshold overrides them all)
        self.models = [(c.name, c.model, _thresholds(c.model, threshold), c.shaped, c.conceptual)
                       for c in classifiers]  # fmt: skip
        self._bank = ModelBank([c.model for c in classifiers])  # every model scored in one pass (see ModelBank)
        self._shaped = any(c.shaped for c in classifiers)
        self._conceptual = any(c.conceptual for c in classifiers)
        self._shapes: dict[ShapeKey, tuple[int, list[float]]] = {}
        self._concepts: dict[str, tuple[int, list[float]]] = {}
        self._no_concept = (0, [0.0] * len(classifiers))

    def check(self, message: MessageFacts) -> Hit | None:
        long = len(message.text) > MAX_CHARS
        words = normalise(message.text[:MAX_CHARS]).words if long else message.normalised.words
        count, sums = self._bank.text_sums(words)
        shape_count, shape_sums = 0, sums
        if self._shaped:
            links = None if long else message.links if message.has_link else ()
            shape_count, shape_sums = self._shape_sums(message.text, links)
        concept_count, concept_sums = self._concept_sums(words) if self._conceptual else self._no_concept
        best: tuple[float, str, str] | None = None
        language = message.language
        for column, (name, _model, thresholds, reads_shape, reads_concepts) in enumerate(self.models):
            threshold = thresholds.get(language, thresholds[UNKNOWN])
            total, weight = (count + shape_count, sums[column] + shape_sums[column]) if reads_shape else (
                count, sums[column])  # fmt: skip
            if reads_concepts:
                total, weight = total + concept_count, weight + concept_sums[column]
            z = self._bank.intercepts[column] + (weight / math.sqrt(total) if total else 0.0)
            score = probability(z)
            if score >= threshold and (best is None or score - threshold > best[0]):
                best = (score - threshold, f"{name} model {score:.2f}", name)
        if best is None:
            return None
        return Hit(self.name, model_severity(best[2]), best[1])

    def _shape_sums(self, text: str, links: Sequence[Link] | None = None) -> tuple[int, list[float]]:
        """(the number of shape features of `text`, each model's sum of their weights).

        Shapes are few (a handful of coarse buckets, a link's top-level domain), so their sums are kept per
        distinct shape in a bounded table: the key is the shape (`shape_key`), never the text."""
        key = shape_key(text, links)
        known = self._shapes.get(key)
        if known is None:
            if len(self._shapes) >= SHAPES_CACHED:
                self._shapes.clear()
            shape = shape_features_of(key)
            known = self._shapes[key] = (len(shape), self._bank.feature_sums(shape))
        return known


    def _concept_sums(self, words: Sequence[str]) -> tuple[int, list[float]]:
        """(the number of concept features of the words, each model's sum of their weights). A message holds a
        handful of classes, so the sums are kept per distinct set of classes in a bounded table."""
        classes = concept_classes(words[:MAX_WORDS])
        if not classes:
            return self._no_concept
        known = self._concepts.get(classes)
        if known is None:
            if len(self._concepts) >= CONCEPTS_CACHED:
                self._concepts.clear()
            features = class_features(classes)
            known = self._concepts[classes] = (len(features), self._bank.feature_sums(set(features)))
        return known


def model_severity(name: str) -> Severity:
    """A model's hit alone: the abuse model's low; any other model's medium (a spam or community model's verdict
    is its own claim)."""
    return Severity.LOW if name == "abuse" else Severity.MEDIUM


def _thresholds(model: LinearModel, configured: float | None) -> dict[str, float]:
    """Language -> threshold: the configured one for all, else the model's own per language (strictest for an
    unknown language)."""
    if configured is not None:
        return {UNKNOWN: configured}
    return {UNKNOWN: model.threshold, **{language: model.threshold_for(language) for language in LANGUAGES}}


def load_classifier_rule(community: Community, base_dir: Path | None = None) -> ClassifierRule | None:
    """The community's own model when `model_path` is set, else the shipped ones; None when disabled or broken."""
    settings = community.moderation.classifier
    if not settings.enabled:
        return None
    if settings.model_path is None:
        paths = [(name, shipped_model_path(name)) for name in SHIPPED]
    else:
        path = settings.model_path
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        paths = [("community", path)]
    classifiers = []
    for name, path in paths:
        if not path.exists():
            log.warning("moderation classifier for %s: %s does not exist (run `cmbot moderation train`)",
                        community.id, path)  # fmt: skip
            continue
        try:
            classifiers.append(TextClassifier.load(path, name))
        except (OSError, ValueError) as error:  # a broken or foreign file must not stop the bot
            log.warning("moderation classifier %s could not be loaded: %s", path, error)
    return ClassifierRule(classifiers, settings.threshold) if classifiers else None
