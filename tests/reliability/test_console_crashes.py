"""SIGKILL the console again and again mid-delivery: every scheduled post lands once, none is lost or doubled.

The console keeps its world in the database (bot/platforms/console/world.py), so each restart goes on where the
last one stopped (members, messages, the simulated clock) and the calendar looks a post up by its key after a
kill between the claim and the send. Kills land at the calendar's named points in turn (`due`, `claimed`,
`sent`, see tests/calendar/pause.py). `CMBOT_SOAK_KILLS` sets how many: 6 in the suite; 24 for the figure in
docs/reliability.md.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.configs import demo_on_console
from tests.patience import PATIENCE
from tests.reliability.conftest import ROOT

KILLS = int(os.environ.get("CMBOT_SOAK_KILLS", "6"))
POINTS = ("ahead", "due", "claimed", "sent")


def bot(config: Path, pause: str | None, start_at: str | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    launcher = ["-m", "tests.calendar.paused_bot", pause] if pause else ["-m", "bot"]
    command = [sys.executable, *launcher, "--config", str(config), "run", "--platform", "console"]
    if start_at:
        command += ["--start-at", start_at]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def run_until_paused(process: subprocess.Popen[str], script: str, point: str) -> tuple[bool, str]:
    """Play `script`; SIGKILL the bot if it pauses at `point`. True when it was killed."""
    assert process.stdin is not None and process.stderr is not None and process.stdout is not None
    process.stdin.write(script)
    process.stdin.close()
    killed = False
    for line in process.stderr:
        if f"calendar: paused at {point}" in line:
            process.send_signal(signal.SIGKILL)
            killed = True
            break
    process.wait(timeout=PATIENCE)
    return killed, process.stdout.read()


def test_repeated_sigkills_mid_delivery_lose_nothing_and_double_nothing(tmp_path):
    db = tmp_path / "bot.db"
    config = tmp_path / "cmbot.toml"
    config.write_text(demo_on_console(db), encoding="utf-8")
    posts = [f"Soak post {n}" for n in range(KILLS + 2)]
    drafts = "".join(f'cmd sam /post draft body="{body}" to=#news at="2026-03-02 {10 + n // 12}:{5 * (n % 12):02d}"\n'
                     for n, body in enumerate(posts))  # fmt: skip
    setup = bot(config, None, start_at="2026-03-02T09:00+01:00")
    out, errors = setup.communicate("join sam[smm]\n" + drafts, timeout=PATIENCE)
    assert setup.returncode == 0, errors
    transcript = out
    kills = 0
    for attempt in range(KILLS * 3):
        if kills == KILLS:
            break
        point = POINTS[attempt % len(POINTS)]
        killed, out = run_until_paused(bot(config, point), "clock +5m\n" * 4, point)  # goes on from the saved clock
        transcript += out
        kills += killed
    final = bot(config, None)
    out, errors = final.communicate("clock +1d\n", timeout=PATIENCE)
    assert final.returncode == 0, errors
    transcript += out
    assert kills == KILLS, transcript[-3000:]

    with sqlite3.connect(db) as conn:
        statuses = conn.execute("SELECT status, count(*) FROM calendar_deliveries GROUP BY status").fetchall()
        shown = dict(conn.execute(
            "SELECT text, count(*) FROM console_messages WHERE author = 'cmbot' AND text LIKE 'Soak post %' "
            "GROUP BY text").fetchall())  # fmt: skip
    assert statuses == [("published", len(posts))]  # none lost, none left uncertain for a CM
    assert shown == {body: 1 for body in posts}  # each post once in the channel: none doubled
    for body in posts:
        assert transcript.count(f"[#news] cmbot: {body}  (m") <= 1
