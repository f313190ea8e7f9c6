"""Leave-one-dataset-out figures: for each public set, a model trained on the other sets, reported on it.

The rules are fixed (they are not retrained), so their figure on a set they were written beside is marked as
such; the models are trained afresh for every set left out, their threshold chosen on the other sets, so
their figure on the set left out is a figure on data they never saw. Every subject (cmbot's rules, rules +
model, better-profanity, alt-profanity-check) is scored on the same rows: each set left out, capped to a
seeded sample of `ROWS_PER_SET` rows so the slowest peer finishes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from benchmarks.harness import Measure

SCENARIO = "moderation"
ROWS_PER_SET = 600
QUICK_ROWS_PER_SET = 150
QUICK_TRAINING_ROWS = 600
MAX_ADDED_FPR = 0.05
# Sets the word lists, patterns and spam cues were written beside (looked at while writing them): their rule
# figures are not figures on unseen data.
RULES_WRITTEN_BESIDE = frozenset({"davidson", "mlma", "toxifrench", "sms", "janitr", "tg-spam"})
# Sets that are translations of each other leave together (else the model sees the same comments).
GROUPS = {"jigsaw-fr": "jigsaw", "jigsaw-en": "jigsaw"}
# How each abuse set's label is read. Most label any toxicity (insults, crude words, threats): every abuse flag
# acted on is a claim of it. ETHOS labels hate against a group only ("isHate"; an insult at a person, swearing
# or a threat to one person is "not hate" there): a flag is a claim of it when it says so (`targets.py`: a
# slur, a group-hate pattern, the abuse model on a message naming a group). Its figures counting every abuse
# flag are reported beside them ("every abuse flag").
GROUP_HATE_SETS = frozenset({"ethos"})
# The flags both the rules and the model raise: the abuse model's hit is then high (`agreement.py`).
AGREE = "cmbot rules and model agree"
GOALS = {("abuse", "F1"): ">= 0.6", ("abuse", "false positive rate"): "<= 0.10",
         ("spam", "F1"): ">= 0.7", ("spam", "false positive rate"): "<= 0.10"}  # fmt: skip


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, flagged: bool, positive: bool) -> None:
        if flagged and positive:
            self.tp += 1
        elif flagged:
            self.fp += 1
        elif positive:
            self.fn += 1
        else:
            self.tn += 1

    def merge(self, other: Counts) -> None:
        self.tp, self.fp, self.tn, self.fn = (self.tp + other.tp, self.fp + other.fp, self.tn + other.tn,
                                              self.fn + other.fn)  # fmt: skip

    @property
    def figures(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        fpr = self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0
        return {"precision": precision, "recall": recall, "F1": f1, "false positive rate": fpr}


@dataclass
class Subjects:
    """Per subject: counts per set left out, and pooled per language."""

    per_set: dict[str, dict[str, Counts]] = field(default_factory=dict)
    per_language: dict[str, dict[str, Counts]] = field(default_factory=dict)

    def add(self, subject: str, set_name: str, language: str, flagged: bool, positive: bool) -> None:
        self.per_set.setdefault(subject, {}).setdefault(set_name, Counts()).add(flagged, positive)
        self.per_language.setdefault(subject, {}).setdefault(language, Counts()).add(flagged, positive)


def leave_one_out(task: str, folder, quick: bool, peers: dict[str, Callable[[list[str]], list[bool]]]) -> list[Measure]:
    from config.moderation import ModerationSettings
    from handlers.moderation.engine import build_engine
    from handlers.moderation.lexicon import names_group
    from handlers.moderation.normalise import normalise
    from handlers.moderation.targets import claims_group_hate
    from handlers.moderation.training.across import train_across_sets
    from handlers.moderation.training.datasets import in_dev_part, load_sets, ordinary_chat
    from handlers.moderation.training.fit import Row, balance, train
    from handlers.moderation.training.matrix import FeatureMatrix
    from handlers.moderation.training.models import (
        ABUSE_C_GRID,
        ABUSE_MAX_ADDED_FPR,
        ACROSS_SETS,
        CONCEPTUAL,
        PER_LANGUAGE,
        SHAPED,
        TRANSLATIONS,
        flagged_by_rules,
        rates,
        text_features,
    )

    sets = load_sets(folder, task=task)
    if quick:  # a smoke run: every path, on a seeded sample of each set (training included)
        sets = [type(s)(s.name, s.task, s.language, tuple(random.Random(1).sample(s.examples, min(len(s.examples),
                QUICK_TRAINING_ROWS)))) for s in sets]  # fmt: skip
    if len(sets) < 2:
        return [Measure(SCENARIO, "cmbot", f"{task} leave-one-out", "skipped", note="fewer than two sets")]
    # Spam models also learn from ordinary messages (the abuse sets' rows, never reported here), as shipped, and
    # their threshold is chosen beside them too (no more than 2 % of a source of ordinary chat left out flagged).
    ordinary = ordinary_chat(folder, QUICK_TRAINING_ROWS // 4 if quick else None) if task == "spam" else []
    engine = build_engine(ModerationSettings())
    every = [*sets, *ordinary]
    verdicts = {s.name: [engine.check_text(e.text) for e in s.examples] for s in every}
    rules_flag = {s.name: [flagged_by_rules(v, task) for v in verdicts[s.name]] for s in every}
    group_flag = {s.name: [claims_group_hate(v) for v in verdicts[s.name]] for s in sets
                  if task == "abuse" and s.name in GROUP_HATE_SETS}  # fmt: skip
    features = {s.name: [text_features(e.text, task in SHAPED, task in CONCEPTUAL) for e in s.examples] for s in every}
    rows_by_set = {s.name: [Row(f, e.flag, 1.0, r) for f, e, r in zip(features[s.name], s.examples,
                                                                       rules_flag[s.name], strict=True)]
                   for s in every}  # fmt: skip
    # Every row indexed once: each fold's fits select their sets from it, and scoring is one matrix product.
    matrix = FeatureMatrix(rows_by_set) if task in ACROSS_SETS else None
    cap = QUICK_ROWS_PER_SET if quick else ROWS_PER_SET
    subjects = Subjects()
    thresholds: dict[str, float] = {}
    regularisation: dict[str, float] = {}  # the abuse model's C, chosen per fold on its training sets
    fitted: dict = {}  # the model without sets A and B serves A's run and B's
    for group in sorted({GROUPS.get(s.name, s.name) for s in sets}):
        left_out = [s for s in sets if GROUPS.get(s.name, s.name) == group]
        kept = [s for s in every if s not in left_out]
        training = {s.name: rows_by_set[s.name] for s in kept}
        if matrix is not None:  # as the shipped model: thresholds chosen on the training sets left out in turn
            if task in PER_LANGUAGE:  # per language
                languages = {s.name: s.language for s in kept}
                model = train_across_sets(training, languages, TRANSLATIONS, max_fpr=ABUSE_MAX_ADDED_FPR,
                                          c=ABUSE_C_GRID, fitted=fitted, matrix=matrix)  # fmt: skip
            else:  # one for every language; ordinary chat left out holds it to 2 %
                languages = {s.name: "any" for s in kept}
                model = train_across_sets(training, languages, TRANSLATIONS, max_fpr=rates(kept, MAX_ADDED_FPR),
                                          min_precision=0.0, fitted=fitted, matrix=matrix)  # fmt: skip
                model.meta.pop("thresholds", None)
        else:
            model = train(balance(training), max_fpr=MAX_ADDED_FPR, refit=False)
        for held in left_out:
            thresholds[held.name] = threshold = model.threshold_for(held.language)
            if "c" in model.meta:
                regularisation[held.name] = float(model.meta["c"])
            scores = (matrix.scores(model, held.name).tolist() if matrix is not None
                      else [model.score(set(f)) for f in features[held.name]])  # fmt: skip
            rows = list(range(len(held.examples)))
            if task == "spam":  # reported on the half never studied while changing the spam rules and model
                rows = [i for i in rows if not in_dev_part(held.examples[i].text)]
            if len(rows) > cap:
                rows = sorted(random.Random(42).sample(rows, cap))
            peer_flags = {name: predict([held.examples[i].text for i in rows]) for name, predict in peers.items()}
            for position, i in enumerate(rows):
                example = held.examples[i]
                by_rules = rules_flag[held.name][i]
                by_model = scores[i] >= threshold
                if held.name in group_flag:  # the label is hate against a group: the flags that claim it
                    subjects.add("cmbot rules, every abuse flag", held.name, held.language, by_rules, example.flag)
                    subjects.add("cmbot rules + model, every abuse flag", held.name, held.language,
                                 by_rules or by_model, example.flag)  # fmt: skip
                    by_rules = group_flag[held.name][i]
                    by_model = by_model and names_group(normalise(example.text).words)
                subjects.add("cmbot rules", held.name, held.language, by_rules, example.flag)
                subjects.add("cmbot model", held.name, held.language, by_model, example.flag)
                subjects.add("cmbot rules + model", held.name, held.language, by_rules or by_model, example.flag)
                # the flags raised high because rules and model agree (`agreement.py`)
                subjects.add(AGREE, held.name, held.language, by_rules and by_model, example.flag)
                for name, flags in peer_flags.items():
                    subjects.add(name, held.name, held.language, bool(flags[position]), example.flag)
    return _measures(task, sets, subjects, thresholds, regularisation)


def _measures(task: str, sets: Sequence, subjects: Subjects, thresholds: dict[str, float],
              regularisation: dict[str, float]) -> list[Measure]:
    measures: list[Measure] = []
    languages = {s.name: s.language for s in sets}
    for subject, by_set in subjects.per_set.items():
        for set_name, counts in by_set.items():
            note = f"{counts.tp + counts.fp + counts.tn + counts.fn} rows"
            if subject.startswith("cmbot") and subject not in ("cmbot rules", "cmbot rules, every abuse flag"):
                note += f"; model trained without this set, threshold {thresholds[set_name]:.2f}"
                if set_name in regularisation:
                    note += f", C {regularisation[set_name]:g} (chosen on the training sets)"
            if subject in ("cmbot rules", "cmbot rules + model") and set_name in RULES_WRITTEN_BESIDE:
                note += "; rules written beside this set"
            if set_name in GROUP_HATE_SETS and task == "abuse" and not subject.endswith("every abuse flag"):
                note += "; counted: the flags that claim hate against a group (its label)"
            for metric in ("F1", "false positive rate", "precision", "recall"):
                measures.append(Measure(SCENARIO, subject, f"{task} {set_name} ({languages[set_name]}) {metric}",
                                        counts.figures[metric], "", "", note))  # fmt: skip
    for subject, by_language in subjects.per_language.items():
        if subject.endswith("every abuse flag"):
            continue  # a second reading of some sets only: not pooled
        for language, counts in sorted(by_language.items()):
            for metric in ("F1", "false positive rate"):
                goal = GOALS.get((task, metric), "") if subject.startswith("cmbot") and subject != AGREE else ""
                measures.append(Measure(SCENARIO, subject, f"{task} all {language} sets (left out) {metric}",
                                        counts.figures[metric], "", goal, "pooled over the sets left out"))  # fmt: skip
    return measures
