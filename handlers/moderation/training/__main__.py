"""`python -m handlers.moderation.training`: train the shipped models from the public labelled sets.

Reads the sets where they are (default `../shared/data/moderation`, relative to the project root; nothing is
copied into the project) and writes `config/models/abuse.npz`, `spam.npz` and `domains.npz`, each with the
sets it was trained on in its metadata. Needs scikit-learn (the `ml` or `dev` extra); the bot itself only
needs numpy to load the files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handlers.moderation.training.datasets import (
    DEFAULT_FOLDER,
    load_domains,
    load_sets,
    ordinary_chat,
    scam_post_domains,
)

OUT = Path(__file__).resolve().parents[3] / "config" / "models"


def rules_predict(kind: str):
    """The rules' flag for each text, as the model of `kind` is measured against (see `flagged_by_rules`)."""
    from config.moderation import ModerationSettings
    from handlers.moderation.engine import build_engine
    from handlers.moderation.training.models import flagged_by_rules

    engine = build_engine(ModerationSettings())
    return lambda text: flagged_by_rules(engine.check_text(text), kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handlers.moderation.training", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_FOLDER, help="the public moderation data folder")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the .npz models")
    parser.add_argument("models", nargs="*", default=["abuse", "spam", "domains"], help="abuse, spam, domains")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"no data folder at {args.data}")
    from handlers.moderation.domain_model import write_digest
    from handlers.moderation.training.models import train_domain_model, train_text_model

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    for name in args.models:
        say(f"training {name}…")
        if name == "domains":
            scams, popular = load_domains(args.data)
            model = train_domain_model(scams, popular, progress=say, more_scams=scam_post_domains(args.data))
        else:
            sets = load_sets(args.data, task=name)
            if not sets:
                parser.error(f"no {name} sets under {args.data}")
            if name == "spam":  # ordinary messages, so the spam model learns pitches, not a register
                sets += ordinary_chat(args.data)
            model = train_text_model(sets, name, rules_predict(name), progress=say)
        path = args.out / f"{name}.npz"
        model.save(path)
        if name == "domains":  # checked before use (`domain_model.load_checked`)
            write_digest(path)
        say(f"{path}: {len(model.weights)} features, threshold {model.threshold:.3f}, "
            f"{path.stat().st_size / 1024:.0f} KiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
