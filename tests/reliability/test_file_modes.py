"""Every file cmbot writes is private (0600): the database, its WAL and SHM, a report, its chart, a privacy
export, a moderation model; created so whatever the umask, and tightened when an existing file was looser."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import seen_events
from bot.cli_context import CliContext
from bot.features.privacy import feature as privacy_feature
from bot.features.welcome import feature as welcome_feature
from bot.files import open_private
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.moderation.model import LinearModel
from handlers.privacy.cli import privacy_cli
from tests.patience import PATIENCE
from tests.reliability.conftest import ROOT

CONFIG = """
[bot]
database = "{db}"

[[communities]]
id = "demo"
name = "Demo"
locale = "en"

[communities.console]
space_id = "console"
channels = {{ strategy = "strategy" }}
"""


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_a_report_and_its_chart_are_created_0600_whatever_the_umask(tmp_path):
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "bot.db"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    previous = os.umask(0o022)  # the usual umask: files would be 0644 without cmbot's own
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), "report", "--week", "2026-W47", "--format", "json",
             "--out", str(tmp_path / "report.json"), "--chart", str(tmp_path / "chart.png")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=PATIENCE,
        )  # fmt: skip
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    for name in ("bot.db", "report.json", "chart.png"):
        assert mode(tmp_path / name) == 0o600, name
    for name in ("bot.db-wal", "bot.db-shm"):
        assert not (tmp_path / name).exists() or mode(tmp_path / name) == 0o600, name


@contextmanager
def usual_umask():
    """The umask most shells run with: a file created with the default mode would be 0644."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_the_wal_and_shm_exist_while_the_bot_writes_and_are_0600(tmp_path):
    with usual_umask():
        store = Store.open(tmp_path / "bot.db")
        apply_all(store.db, [])
        seen_events.record(store.db, "console", "e1", datetime(2026, 11, 23, tzinfo=UTC))
        try:
            for name in ("bot.db", "bot.db-wal", "bot.db-shm"):  # open and written: all three are on disk
                assert mode(tmp_path / name) == 0o600, name
        finally:
            store.close()


def test_a_loosened_database_and_wal_are_tightened_when_opened(tmp_path):
    store = Store.open(tmp_path / "bot.db")
    apply_all(store.db, [])
    keeper = sqlite3.connect(tmp_path / "bot.db")  # keeps the WAL on disk after the store closes
    keeper.execute("SELECT count(*) FROM seen_events").fetchone()
    store.close()
    for name in ("bot.db", "bot.db-wal", "bot.db-shm"):
        os.chmod(tmp_path / name, 0o644)  # restored from a backup with another umask
    with usual_umask():
        store = Store.open(tmp_path / "bot.db")
    try:
        for name in ("bot.db", "bot.db-wal", "bot.db-shm"):
            assert mode(tmp_path / name) == 0o600, name
    finally:
        store.close()
        keeper.close()


def test_a_privacy_export_is_0600_even_over_a_file_that_was_0644(tmp_path):
    features = [welcome_feature, privacy_feature]
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "bot.db"), encoding="utf-8")
    store = Store.open(tmp_path / "bot.db")
    apply_all(store.db, [f.migrations for f in features])
    store.db["members"].insert({"community": "demo", "platform": "console", "member_id": "ann",
                                "display_name": "ann", "joined_at": "2026-11-23T00:00:00+00:00"})
    store.close()
    out = tmp_path / "ann.json"
    out.write_text("an older export\n", encoding="utf-8")
    os.chmod(out, 0o644)
    with usual_umask():
        result = CliRunner().invoke(privacy_cli, ["export", "console:ann", "--out", str(out)],
                                    obj=CliContext(config_path=config, features=lambda: features))
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600 and "ann" in out.read_text(encoding="utf-8")


def test_a_moderation_model_is_0600_whoever_writes_it(tmp_path):
    model = LinearModel(weights={"free": 1.5, "crypto": 2.0}, intercept=-1.0, threshold=0.5)
    path = tmp_path / "models" / "community.npz"
    with usual_umask():  # not through `cmbot`: the training module, an embedding application
        model.save(path)
        os.chmod(path, 0o644)
        model.save(path)  # saved again over a loosened file
    assert mode(path) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["community.npz"]  # no temporary file left
    assert LinearModel.load(path).weights == model.weights


def test_private_files_refuse_a_mode_that_would_not_write():
    with pytest.raises(ValueError):
        open_private(Path("unused"), "r")
