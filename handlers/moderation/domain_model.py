"""The shipped scam-domain model, checked before use: the file's SHA-256 is written beside it when it is trained.

A model file is numbers a verdict trusts: a file cut short, edited by hand or swapped for another would flag
names for no reason, or wave scams through, without an error anywhere. The trainer writes the digest of the
`.npz` beside it (`domains.npz.sha256`); loading compares the two and refuses a file that does not match, or
one that has no digest, with an error that says which.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from handlers.moderation.model import LinearModel


def shipped_path() -> Path:
    """Where the shipped model lives: `config/models/domains.npz` in the installed package."""
    return Path(str(resources.files("config").joinpath("models", "domains.npz")))


def digest_path(model: Path) -> Path:
    return model.with_name(model.name + ".sha256")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_digest(model: Path) -> None:
    """Record the digest of a model file just written (the trainer calls this after `LinearModel.save`)."""
    digest_path(model).write_text(f"{file_digest(model)}  {model.name}\n", encoding="utf-8")


def load_checked(path: Path) -> LinearModel:
    """The model at `path` if its digest matches the one recorded beside it; ValueError otherwise."""
    if not path.is_file():
        raise ValueError(f"no model file at {path.name}")
    recorded_at = digest_path(path)
    if not recorded_at.is_file():
        raise ValueError(f"{path.name} has no recorded digest ({recorded_at.name})")
    recorded = recorded_at.read_text(encoding="utf-8").split(maxsplit=1)
    if not recorded or recorded[0] != file_digest(path):
        raise ValueError(f"{path.name} does not match its recorded digest: changed since it was trained")
    return LinearModel.load(path)
