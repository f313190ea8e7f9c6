"""Discord unreachable at start (`[bot.endpoints]` at a port nobody listens on): `cmbot run` says so in one
ERROR line and exits with status 3, with no traceback and no "Unclosed client session" from aiohttp."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"
CONFIG = """
[bot]
database = "{db}"

[bot.endpoints]
discord_api = "http://127.0.0.1:{port}/api/v10"
discord_gateway = "ws://127.0.0.1:{port}/gateway"

[[communities]]
id = "brand"
name = "Brand"
locale = "en"

[communities.discord]
space_id = "100"
"""


def test_an_unreachable_discord_is_one_line_and_exit_3(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago and that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "cmbot.db", port=port))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))} | {"DISCORD_TOKEN": TOKEN}
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config), "--platform", "discord"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=PATIENCE, stdin=subprocess.DEVNULL)

    errors = [line for line in done.stderr.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert done.returncode == 3
    assert len(errors) == 1 and "cannot reach Discord" in errors[0]
    assert "Traceback" not in done.stderr and "Unclosed" not in done.stderr and "voice" not in done.stderr
    assert TOKEN not in done.stderr
