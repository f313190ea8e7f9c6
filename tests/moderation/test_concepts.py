"""The abuse model's concepts: the classes the rules give a message's words, the same in French and English,
computed as a naive reference would, and scored by the classifier rule as the model scores them alone."""

from __future__ import annotations

import math
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.moderation.classifier import SHIPPED, ClassifierRule, TextClassifier, features_of, shipped_model_path
from handlers.moderation.concepts import CONCEPTS, MARK, PHRASES, class_features, concept_features
from handlers.moderation.model import message_features
from handlers.moderation.normalise import normalise
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.shape import shape_features

_CONCEPT_WORDS = sorted(CONCEPTS)[::7]  # a spread of words that have a class, in both languages
_ALL_PHRASES = [(phrase, classes) for listed in PHRASES.values() for phrase, classes in listed]
_PHRASE_WORDS = sorted({word for phrase, _ in _ALL_PHRASES[::5] for word in phrase})  # and of listed phrases
_WORDS = st.lists(st.sampled_from([*_CONCEPT_WORDS, *_PHRASE_WORDS, "the", "les", "meetup", "bonjour", "x"]),
                  max_size=30)  # fmt: skip


def _naive(words: list[str]) -> set[str]:
    symbols = {symbol for word in words if word in CONCEPTS for symbol in CONCEPTS[word]}
    for i in range(len(words)):
        for phrase, classes in _ALL_PHRASES:
            if tuple(words[i : i + len(phrase)]) == phrase:
                symbols |= set(classes)
    classes = sorted(symbols)
    return {MARK + c for c in classes} | {f"{MARK}{a}+{b}" for a, b in combinations(classes, 2)}


@given(_WORDS | st.sampled_from([list(phrase) for phrase, _ in _ALL_PHRASES[::9]]))
def test_the_concepts_of_words_are_those_of_a_naive_reference(words):
    """Words and the lists' phrases written whole, as a scan of every phrase at every word finds them."""
    assert concept_features(words) == _naive(words)


def test_the_same_idea_is_the_same_concept_in_either_language():
    def of(text: str) -> frozenset[str]:
        return concept_features(normalise(text).words)

    assert of("muslims are rats") == of("les musulmans sont des rats") >= {"^G", "^D", "^D+G"}
    assert "^A+I" in of("you are an idiot") and "^A+I" in of("t'es qu'un connard")
    assert of("see you at the meetup tonight") == {"^A"}
    assert of("nice screenshot") == frozenset()
    assert "^I" in of("son of a bitch") and "^A+I" in of("ferme ta gueule")


def test_a_concept_never_meets_a_word_a_gram_or_a_shape():
    words = ["g", "a", "i", "ga", "aig"]
    features = message_features(words) | shape_features("FREE https://t.me/x 50$ call +33 6 12 34 56 78")
    assert all(not f.startswith(MARK) for f in features)
    assert all(f.startswith(MARK) for f in class_features("ADGI"))


def test_only_the_shipped_abuse_model_reads_concepts():
    for name in SHIPPED:
        model = TextClassifier.load(shipped_model_path(name), name)
        assert model.conceptual is (name == "abuse")
        assert any(f.startswith(MARK) for f in model.model.weights) is (name == "abuse")


_RULE = ClassifierRule([TextClassifier.load(shipped_model_path(name), name) for name in SHIPPED])
_ABUSE = TextClassifier.load(shipped_model_path("abuse"), "abuse")


@settings(max_examples=150)
@given(_WORDS.map(" ".join) | st.sampled_from(["t'es qu'un gros connard", "nobody wants you here, get lost idiot",
                                                "les migrants sont une vermine", "see you at the meetup"]))  # fmt: skip
def test_the_rule_scores_the_abuse_model_as_it_scores_alone(text):
    """The rule sums the concepts' weights once per set of classes (a bounded table): the score it reaches is
    the model's own on every feature of the message, concepts included."""
    words = MessageFacts(text).normalised.words
    count, sums = _RULE._bank.text_sums(words)
    for _ in range(2):  # computed, then read from the table
        concept_count, concept_sums = _RULE._concept_sums(words)
        features = features_of(text, concepts=True)
        assert count + concept_count == len(features)
        column = SHIPPED.index("abuse")
        model = _ABUSE.model
        total = count + concept_count
        z = model.intercept + ((sums[column] + concept_sums[column]) / total**0.5 if total else 0.0)
        assert 1 / (1 + math.exp(-z)) == pytest.approx(_ABUSE.score(text), abs=1e-9)


def test_the_table_of_concept_sums_is_bounded(monkeypatch):
    monkeypatch.setattr("handlers.moderation.classifier.CONCEPTS_CACHED", 3)
    rule = ClassifierRule([TextClassifier.load(shipped_model_path(name), name) for name in SHIPPED])
    for text in ("you idiot", "les arabes", "kill them all", "you rats", "les pd sont des rats", "fuck you"):
        rule.check(MessageFacts(text))
    assert len(rule._concepts) <= 3
