"""Welcome and privacy on the console platform, end to end: the real CLI, a piped scenario, the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlite_utils

from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
[bot]
database = "{db}"
[[communities]]
id = "demo"
name = "Demo"
locale = "en"
[communities.console]
space_id = "console"
channels = {{ welcome = "welcome", rules = "rules", moderation = "moderation" }}
[communities.welcome]
dm = true
raid_joins = 4
raid_seconds = 60
[communities.moderation.alerts]
joins = 4
"""
SCRIPT = """
dms bob closed
join bob
join alice
cmd alice /privacy export
join carl
join dana
join erin
clock +2m
cmd bob /privacy forget-me confirm=yes
"""


def test_welcomes_dm_fallback_raid_batch_and_forget_me_on_the_console(tmp_path):
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "console.db"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config), "--start-at", "2026-11-23T09:00:00+01:00"],
        input=SCRIPT, capture_output=True, text=True, timeout=PATIENCE, cwd=tmp_path, env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[#welcome] cmbot: Welcome to Demo, @bob!" in out
    assert "[#welcome] cmbot: Hello @bob" in out  # bob's DMs are closed: the onboarding text came to the channel
    assert "DM → alice" in out and "Hello @alice" in out
    # the export is a file only its owner can read, beside the database, and the console prints its path
    exported = tmp_path / "exports" / "cmbot-export-demo-2026-11-23.json"
    assert f"[file: {exported}]" in out and "check your direct messages (file cmbot-export-demo-2026-11-23.json)" in out
    assert exported.stat().st_mode & 0o777 == 0o600
    assert json.loads(exported.read_text(encoding="utf-8"))["accounts"] == ["console:alice"]
    assert out.count("Raid alert: 4 members joined") == 1 and "Join spike" not in out  # one alert, moderation's
    assert "[#welcome] cmbot: Welcome to our 2 new members in Demo!" in out and "@dana, @erin" in out
    assert "Done, erased: your member record" in out
    db = sqlite_utils.Database(tmp_path / "console.db")
    assert db.execute("SELECT count(*) FROM members WHERE member_id = 'bob'").fetchone()[0] == 0
    assert db["welcome_welcomes"].count == 4
