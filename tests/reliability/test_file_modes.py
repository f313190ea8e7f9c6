"""Every file cmbot writes is private (0600): the database, its WAL, a report, its chart."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

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
