"""The public moderation sets beside the project, sampled the same way by every test that holds a fast path to
its reference on real messages (seeded per set, so a failure names the same rows on every run)."""

from __future__ import annotations

import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "moderation"


def public_sets_present() -> bool:
    return (DATA / "extra").is_dir()


def sampled_texts(per_set: int) -> list[str]:
    """Up to `per_set` texts of each public set, drawn with the set's name as the seed."""
    from handlers.moderation.training.datasets import load_sets

    texts: list[str] = []
    for labelled in load_sets(DATA):
        rows = [example.text for example in labelled.examples]
        texts += random.Random(labelled.name).sample(rows, min(len(rows), per_set))
    return texts
