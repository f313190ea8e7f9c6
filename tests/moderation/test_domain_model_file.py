"""The shipped scam-domain model is present and is the file it was trained as: a missing, cut or edited file
fails here (and the links rule refuses it, running on the list and the shapes alone)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handlers.moderation.domain_features import FEATURES_VERSION
from handlers.moderation.domain_model import digest_path, load_checked, shipped_path, write_digest
from handlers.moderation.model import LinearModel


def test_the_shipped_model_is_present_and_matches_its_digest() -> None:
    model = load_checked(shipped_path())  # raises if the file or its digest is missing, or they disagree
    assert model.meta["kind"] == "domains" and model.meta["features_version"] == FEATURES_VERSION
    assert len(model.weights) > 1000 and 0.0 < model.threshold < 1.0


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    path = tmp_path / "domains.npz"
    shutil.copyfile(shipped_path(), path)
    shutil.copyfile(digest_path(shipped_path()), digest_path(path))
    return path


def test_a_copy_with_its_digest_loads(copy: Path) -> None:
    assert load_checked(copy).weights == LinearModel.load(shipped_path()).weights


def test_an_edited_model_is_refused(copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="does not match its recorded digest"):
        load_checked(copy)


def test_another_valid_model_in_its_place_is_refused(copy: Path) -> None:
    LinearModel({"tld:xyz": 9.0}, 0.0, 0.5, {"kind": "domains", "features_version": FEATURES_VERSION}).save(copy)
    with pytest.raises(ValueError, match="does not match its recorded digest"):
        load_checked(copy)
    write_digest(copy)  # what the trainer does after writing a model
    assert load_checked(copy).weights == {"tld:xyz": 9.0}


def test_a_missing_model_or_digest_is_refused(copy: Path) -> None:
    digest_path(copy).unlink()
    with pytest.raises(ValueError, match="no recorded digest"):
        load_checked(copy)
    copy.unlink()
    with pytest.raises(ValueError, match="no model file"):
        load_checked(copy)
