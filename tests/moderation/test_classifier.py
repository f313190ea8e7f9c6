"""The optional classifier: training, the threshold chosen beside the rules, saving and loading safely."""

from __future__ import annotations

import pickle

import pytest

from config.loader import parse_settings
from handlers.moderation.classifier import ClassifierRule, TextClassifier, best_threshold, load_classifier_rule
from handlers.moderation.rules.base import MessageFacts

pytest.importorskip("sklearn")

GOOD = ["see you at the meetup", "thanks for the help", "great stream tonight", "where is the schedule",
        "i love this community", "the patch notes are out", "who wants to team up", "nice screenshot"]  # fmt: skip
BAD = ["you worthless clown get lost", "nobody wants you here loser", "go away you pathetic clown",
       "you are worthless and pathetic", "get lost loser nobody likes you", "pathetic clown go away",
       "worthless loser get out", "you clown nobody wants you"]  # fmt: skip


def test_best_threshold_prefers_separation_to_flagging_everything():
    scores = [0.9, 0.85, 0.7, 0.4, 0.35, 0.2, 0.1, 0.05]
    labels = [1, 1, 1, 0, 0, 0, 0, 0]
    assert 0.4 < best_threshold(scores, labels) <= 0.7
    already = [False, False, False, False, False, False, False, False]
    assert best_threshold(scores, labels, already) == best_threshold(scores, labels)


def test_fit_score_save_load(tmp_path):
    texts = [f"{t} {i}" for i in range(3) for t in GOOD + BAD]
    labels = [0] * len(GOOD) + [1] * len(BAD)
    model = TextClassifier.fit(texts, labels * 3)
    assert model.score("you pathetic worthless clown") > model.score("thanks for the patch notes")
    assert 0.3 <= model.threshold <= 0.95
    path = tmp_path / "model.pkl"
    model.save(path)
    loaded = TextClassifier.load(path)
    assert loaded.threshold == model.threshold and loaded.examples == len(texts)
    rule = ClassifierRule(loaded, 0.5)
    assert rule.check(MessageFacts("get lost you worthless pathetic loser")) is not None
    assert rule.check(MessageFacts("thanks, see you at the meetup")) is None
    rule.check(MessageFacts("x" * 100_000))  # a huge message is cut to MAX_CHARS: it simply finishes


def test_a_foreign_or_missing_model_file_disables_the_rule(tmp_path):
    settings = parse_settings(
        f"""
[[communities]]
id = "demo"
name = "Demo"
[communities.console]
space_id = "console"
[communities.moderation.classifier]
enabled = true
model_path = "{tmp_path / "model.pkl"}"
""",
        "test.toml",
    )
    community = settings.communities[0]
    assert load_classifier_rule(community) is None  # missing
    (tmp_path / "model.pkl").write_bytes(pickle.dumps({"something": "else"}))
    assert load_classifier_rule(community) is None  # not ours
    (tmp_path / "model.pkl").write_bytes(b"not a pickle")
    assert load_classifier_rule(community) is None


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="both classes"):
        TextClassifier.fit(["a", "b"], [0, 0])


def test_the_fast_scorer_gives_scikit_learns_probabilities():
    texts = [f"{t} {i}" for i in range(3) for t in GOOD + BAD]
    model = TextClassifier.fit(texts, ([0] * len(GOOD) + [1] * len(BAD)) * 3)
    probes = [*GOOD, *BAD, "", "ÉNORME CLOWN", "x" * 5000, "nothing in the vocabulary at all"]
    expected = model.scores(probes)
    assert [round(model.score(text), 9) for text in probes] == [round(p, 9) for p in expected]
