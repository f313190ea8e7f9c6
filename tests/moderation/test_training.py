"""Training the shipped models: the public sets read as their READMEs say, thresholds chosen for a low false
positive rate beside the rules. Tests that need the data skip cleanly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.moderation.training.datasets import load_domains, load_sets
from handlers.moderation.training.fit import Row, balance, choose_threshold

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "moderation"
needs_data = pytest.mark.skipif(not (DATA / "extra").is_dir(), reason="public data sets not present")


@needs_data
def test_every_set_reads_with_its_readme_mapping() -> None:
    sets = {s.name: s for s in load_sets(DATA)}
    assert (len(sets["davidson"].examples), sets["davidson"].positives) == (24_783, 20_620)
    assert (len(sets["mlma"].examples), len(sets["mlma"].examples) - sets["mlma"].positives) == (4_014, 821)
    assert (len(sets["toxifrench"].examples), sets["toxifrench"].positives) == (1_388, 694)
    assert (len(sets["rtp-lx-fr"].examples), sets["rtp-lx-fr"].positives) == (1_038, 538)
    assert (len(sets["ethos"].examples), sets["ethos"].positives) == (998, 433)
    assert (len(sets["convabuse"].examples), sets["convabuse"].positives) == (4_040, 577)  # 145 ties left out
    assert (len(sets["janitr"].examples), sets["janitr"].positives) == (4_281, 980)
    assert sets["sms"].positives == 653 and len({e.text for e in sets["sms"].examples}) == len(sets["sms"].examples)
    scams, popular = load_domains(DATA)
    assert len(scams) > 20_000 and not set(scams) & set(popular) and all("/" not in d for d in scams)


def test_load_sets_without_data_is_empty(tmp_path) -> None:
    assert load_sets(tmp_path) == [] and load_domains(tmp_path) == ([], [])


def test_the_threshold_adds_at_most_the_allowed_false_positives() -> None:
    rows = [Row(frozenset(), False, 1.0, already=i < 10) for i in range(100)] + [Row(frozenset(), True)] * 20
    scores = [i / 100 for i in range(100)] + [0.95] * 20
    threshold = choose_threshold(scores, rows, max_fpr=0.05)
    added = sum(1 for s, r in zip(scores, rows, strict=True) if not r.flag and not r.already and s >= threshold)
    assert added <= 5 and threshold <= 0.95


def test_balance_gives_every_set_and_class_the_same_weight() -> None:
    rows = {
        "big": [Row(frozenset(), True)] * 90 + [Row(frozenset(), False)] * 10,
        "small": [Row(frozenset(), True)] * 5 + [Row(frozenset(), False)] * 5,
    }
    weights: dict[tuple[int, bool], float] = {}
    for index, row in enumerate(balance(rows)):
        key = (0 if index < 100 else 1, row.flag)
        weights[key] = weights.get(key, 0.0) + row.weight
    assert len({round(w, 6) for w in weights.values()}) == 1


@needs_data
def test_ordinary_chat_is_one_set_of_plain_negatives_per_abuse_set() -> None:
    from handlers.moderation.training.datasets import ordinary_chat

    sets = ordinary_chat(DATA, per_set=50)
    abuse = [s.name for s in load_sets(DATA, task="abuse")]
    assert [s.name for s in sets] == [f"ordinary {name}" for name in abuse]
    assert all(s.ordinary and s.task == "spam" and len(s.examples) <= 50 and s.positives == 0 for s in sets)
    assert [s.examples for s in sets] == [s.examples for s in ordinary_chat(DATA, per_set=50)]  # seeded


def test_the_shipped_abuse_model_is_trained_as_the_training_code_says() -> None:
    """A change of the abuse model's training (its regularisation, its added share, its sets) without retraining
    the shipped file leaves the bot running a model that no figure describes."""
    from handlers.moderation.classifier import load_model, shipped_model_path
    from handlers.moderation.training.datasets import READERS
    from handlers.moderation.training.models import ABUSE_C_GRID, ABUSE_MAX_ADDED_FPR

    model = load_model(shipped_model_path("abuse"))
    figures = {float(c): f1 for c, f1 in model.meta["c_left_out_f1"].items()}
    assert set(figures) == set(ABUSE_C_GRID)  # every candidate tried, the best on the sets left out kept
    assert model.meta["c"] == max(ABUSE_C_GRID, key=lambda c: (round(figures[c], 4), -c))
    assert model.meta["max_fpr"] == ABUSE_MAX_ADDED_FPR
    assert set(model.meta["trained_on"]) == {name for name, (kind, _, _) in READERS.items() if kind == "abuse"}
    assert set(model.meta["thresholds"]) == {"en", "fr"}
    assert model.threshold == max(model.meta["thresholds"].values())  # an unknown language: the strictest


def test_the_abuse_model_chooses_its_regularisation_and_the_spam_model_does_not() -> None:
    """The abuse model's C is chosen among `ABUSE_C_GRID` on the sets left out in turn; the spam model keeps the
    default."""
    from handlers.moderation.training.datasets import Example, LabelledSet
    from handlers.moderation.training.models import ABUSE_C_GRID, train_text_model

    def labelled(name: str, language: str) -> LabelledSet:
        rude = [f"you are a worthless clown number {i}" for i in range(20)]
        kind = [f"thanks for the stream number {i}" for i in range(20)]
        examples = tuple(Example(t, True) for t in rude) + tuple(Example(t, False) for t in kind)
        return LabelledSet(name, "abuse", language, examples)

    sets = [labelled("one", "en"), labelled("two", "en"), labelled("three", "fr"), labelled("four", "fr")]
    abuse = train_text_model(sets, "abuse")
    spam = train_text_model([LabelledSet(s.name, "spam", s.language, s.examples) for s in sets], "spam")
    assert abuse.meta["c"] in ABUSE_C_GRID and "c" not in spam.meta
