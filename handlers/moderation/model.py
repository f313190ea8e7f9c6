"""Linear text models stored as plain arrays: loaded without running code, scored with dictionary look-ups.

A model is a weight per feature (words, word pairs, letter 4-grams of the normalised message; or what
`domain_features` reads of a domain name) and an intercept: a logistic regression trained offline. It is saved
as a `.npz` file holding only numbers and UTF-8 text (numpy refuses pickled objects when loading it), so a model
file can be shared and loaded without the risk a pickle carries. Scoring needs no numpy at all once loaded: the
message's distinct features are intersected with the vocabulary (one C-speed set operation) and their weights
summed, about as cheap as one word-list look-up.

The features of a message are binary and L2-normalised over all its distinct features, known or not, exactly
as the trainer computed them (`message_features` is shared by both).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import cast

import numpy as np

from bot.files import open_private

MODEL_FORMAT = "cmbot-linear-model/1"
MAX_WORDS = 300  # a message is scored on its first words: bounded work whatever its length
GRAM = 4
GRAMS_CACHED = 65_536  # distinct words whose 4-grams are kept: bounded memory
WORDS_CACHED = 65_536  # distinct words whose known features a `ModelBank` keeps: bounded memory


def message_features(words: Sequence[str]) -> set[str]:
    """Distinct words, pairs of consecutive words ("a b") and letter 4-grams of each word ("<con", "onna")."""
    words = words[:MAX_WORDS]
    features = set(words)
    features.update(map(" ".join, pairwise(words)))
    for word in set(words):
        features.update(_grams(word))
    return features


@lru_cache(maxsize=GRAMS_CACHED)
def _grams(word: str) -> tuple[str, ...]:
    """The letter 4-grams of a word, padded ("<con", "conn", …, "ard>"); words repeat, so they are cached."""
    if len(word) < GRAM - 1:
        return ()
    padded = f"<{word}>"
    return tuple(padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1))


@dataclass
class LinearModel:
    """Weights per feature, an intercept and the threshold chosen when it was trained; `meta` says how."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keys = frozenset(self.weights)

    @property
    def reads_concepts(self) -> bool:
        """Whether the model was trained on the words' concepts too (`concepts.py`): the shipped abuse model."""
        return bool(self.meta.get("concepts"))

    def threshold_for(self, language: str) -> float:
        """The threshold for a message in `language` ("fr", "en"): models whose thresholds were chosen per
        language on sets left out carry one each (`meta["thresholds"]`); any other language gets `threshold`."""
        thresholds = self.meta.get("thresholds")
        if isinstance(thresholds, dict) and isinstance(thresholds.get(language), int | float):
            return float(thresholds[language])
        return self.threshold

    def score(self, features: set[str]) -> float:
        if not features:
            return probability(self.intercept)
        known = self._keys.intersection(features)
        # fsum: exactly rounded whatever the set's order, which changes between processes (string hashing), so a
        # score on the edge of the threshold, and the verdict and its reasons, are the same in every process
        z = self.intercept + (math.fsum(map(self.weights.__getitem__, known)) / math.sqrt(len(features)) if known
                              else 0.0)  # fmt: skip
        return probability(z)

    def explain(self, features: set[str], top: int = 5) -> list[tuple[str, float]]:
        """The features that pushed the score up most: for moderators, "why did the model flag this"."""
        # ties broken by name: a set's order changes between processes, a flag's explanation must not
        known = sorted(self._keys.intersection(features), key=lambda f: (-self.weights[f], f))
        return [(f, self.weights[f]) for f in known[:top] if self.weights[f] > 0]

    def save(self, path: Path) -> None:
        """Write the model as `.npz` (numbers and UTF-8 text only), atomically."""
        names = list(self.weights)
        meta = {**self.meta, "format": MODEL_FORMAT, "intercept": self.intercept, "threshold": self.threshold}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        with open_private(tmp, "wb") as handle:  # 0600: learnt from members' messages
            np.savez_compressed(
                handle,
                features=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
                weights=np.array([self.weights[n] for n in names], dtype=np.float32),
                meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read a model saved by `save`; raises ValueError for anything else (never unpickles)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                names = bytes(data["features"]).decode("utf-8").split("\n")
                weights = data["weights"].astype(float).tolist()
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
        except (OSError, KeyError, ValueError, UnicodeDecodeError) as error:
            raise ValueError(f"{path} is not a cmbot model file: {error}") from None
        if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT or len(names) != len(weights):
            raise ValueError(f"{path} is not a cmbot model file")
        return cls(dict(zip(names, weights, strict=True)), float(meta["intercept"]), float(meta["threshold"]), meta)


def probability(z: float) -> float:
    """The logistic function, without overflow for very negative `z`."""
    return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


WordEntry = tuple[frozenset[str], tuple[float, ...]]  # a word's features (itself, its 4-grams), each model's sum


class ModelBank:
    """Several text models scored together on one message: the classifier rule's hot path.

    The vocabularies are merged into one table: each feature holds its weight in every model (a tuple). What a
    message reads is kept small, because the table is large (about 100,000 entries) and a look-up that misses
    the processor's cache costs more than many instructions: each word's 4-grams and the sums of its known
    features (itself and its 4-grams, a tuple per word) are kept in a bounded per-word cache, since words
    repeat across messages far more than they change, so a message adds one small tuple per distinct word
    and one per known word pair (pairs looked up as the tuples `itertools.pairwise` makes, never joined into
    new strings). Words sharing a 4-gram ("ing>" in "going" and "doing") would count it twice: the union of
    the message's words and 4-grams (needed anyway to count its distinct features) tells whether any is
    shared, and only then is each extra copy found and its weight taken back, so every distinct feature counts
    once, as in a set. The result is `LinearModel.score` on `message_features(words)`: the same distinct
    features, the same weights (added in another order: the same to float precision).
    """

    def __init__(self, models: Sequence[LinearModel]) -> None:
        size = len(models)
        weights: dict[str, list[float]] = {}
        pairs: dict[tuple[str, str], list[float]] = {}
        for column, model in enumerate(models):
            for feature, weight in model.weights.items():
                parts = feature.split(" ")
                if len(parts) == 1:
                    weights.setdefault(feature, [0.0] * size)[column] = weight
                elif len(parts) == 2 and all(parts):  # "a b": a pair of words, as pairwise gives it
                    pairs.setdefault((parts[0], parts[1]), [0.0] * size)[column] = weight
                # any other feature holds no word of a message (words hold no space): it never matches
        self._weights = {feature: tuple(row) for feature, row in weights.items()}
        self._pairs = {pair: tuple(row) for pair, row in pairs.items()}
        self._keys = frozenset(self._weights)
        self._pair_keys = frozenset(self._pairs)
        self.intercepts = [model.intercept for model in models]
        self._size = size
        self._zero = (0.0,) * size
        self._words: dict[str, WordEntry] = {}

    def text_sums(self, words: Sequence[str]) -> tuple[int, list[float]]:
        """(the number of distinct features of `message_features(words)`, each model's sum of their weights).

        Words hold no space and 4-grams hold none either, so the message's words, pairs and 4-grams never meet,
        except a word that is also another word's 4-gram ("onna" beside "connard"): counted once, as in a set."""
        words = words[:MAX_WORDS]
        distinct = set(words)
        pairs = set(pairwise(words))
        cached = list(map(self._words.get, distinct))
        entries = cast("list[WordEntry]", cached) if None not in cached else [
            entry or self._learn(word) for word, entry in zip(distinct, cached, strict=True)]  # fmt: skip
        rows = [sums for _, sums in entries]
        owns = [own for own, _ in entries]
        features: set[str] = set().union(*owns)
        if len(features) < sum(map(len, owns)):  # a feature in two words' entries: its extra copies taken back
            rows.extend(self._copies(owns))
        known_pairs = self._pair_keys.intersection(pairs)
        if known_pairs:
            rows.extend(map(self._pairs.__getitem__, known_pairs))
        count = len(features) + len(pairs)
        return count, list(map(sum, zip(*rows, strict=True))) if rows else list(self._zero)

    def _copies(self, owns: list[frozenset[str]]) -> list[tuple[float, ...]]:
        """The negated weights of every extra copy of a known feature among the words' entries: a 4-gram of
        several words, or a word that is also another word's 4-gram."""
        seen: set[str] = set()
        extra: list[str] = []
        for own in owns:
            if not seen.isdisjoint(own):
                extra.extend(seen.intersection(own))
            seen.update(own)
        weights = self._weights
        return [tuple(-w for w in weights[feature]) for feature in extra if feature in weights]

    def _learn(self, word: str) -> WordEntry:
        """A word's features (itself and its 4-grams), and each model's sum of the weights of those it knows."""
        own = frozenset((word, *_grams(word)))
        known = [self._weights[f] for f in self._keys.intersection(own)]
        entry = (own, tuple(map(sum, zip(*known, strict=True))) if known else self._zero)
        if len(self._words) >= WORDS_CACHED:
            self._words.clear()
        self._words[word] = entry
        return entry

    def feature_sums(self, features: set[str]) -> list[float]:
        """Each model's sum of the weights of `features` (a set of distinct features holding no space)."""
        return self._column_sums(list(map(self._weights.__getitem__, self._keys.intersection(features))))

    def _column_sums(self, rows: list[tuple[float, ...]]) -> list[float]:
        return list(map(sum, zip(*rows, strict=True))) if rows else [0.0] * self._size


def prune(weights: Iterable[tuple[str, float]], keep: int) -> dict[str, float]:
    """The `keep` features with the largest weights in absolute value, rounded: a small file, the same scores
    to three decimals (dropped features had near-zero weights)."""
    ranked = sorted(weights, key=lambda item: -abs(item[1]))[:keep]
    return {name: round(float(weight), 4) for name, weight in ranked if abs(weight) >= 1e-4}
