"""The crash test: `python -m bot run` on the console, killed with SIGKILL mid-delivery, then restarted.

`tests.calendar.paused_bot` runs the same command with delivery stopped at a named point (it says so on
stderr); we kill it there, restart it within the grace period, and check the post went out exactly once or was reported.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.configs import demo_on_console
from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
FIRST = """join sam[smm]
cmd sam /post draft body="Crash test post" to=#news at="2026-03-02 10:00"
clock +1h30m
"""
POSTED = "[#news] cmbot: Crash test post"


def bot(config: Path, start_at: str, pause: str | None) -> subprocess.Popen[str]:
    launcher = ["-m", "tests.calendar.paused_bot", pause] if pause else ["-m", "bot"]
    return subprocess.Popen(
        [sys.executable, *launcher, "--config", str(config), "run", "--platform", "console", "--start-at", start_at],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def kill_when_paused(process: subprocess.Popen[str], point: str) -> str:
    """Wait (bounded by the process itself: it either pauses or ends) for the marker, then SIGKILL."""
    assert process.stderr is not None and process.stdout is not None
    for line in process.stderr:
        if f"calendar: paused at {point}" in line:
            process.send_signal(signal.SIGKILL)
            break
    else:
        pytest.fail("the bot ended without reaching the pause point")
    process.wait(timeout=PATIENCE)
    assert process.returncode == -signal.SIGKILL
    return process.stdout.read()


def statuses(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT status FROM calendar_deliveries ORDER BY id")]


@pytest.mark.parametrize(
    ("point", "sent_before_kill", "final", "reported"),
    [
        ("ahead", 0, "published", False),  # killed after reading it ahead, before the claim: sent once, late
        ("due", 0, "published", False),  # killed before claiming: the restart sends it, late, once
        # The console keeps its posts in the database, so after a crash the calendar looks the post up by its key:
        ("claimed", 0, "published", False),  # killed after "sending", before the call: not there, sent once
        ("sent", 1, "published", False),  # killed after the call, before "published": found, never sent again
    ],
)
def test_killed_mid_delivery_publishes_once_or_reports(tmp_path, point, sent_before_kill, final, reported):
    db = tmp_path / "bot.db"
    config = tmp_path / "cmbot.toml"
    config.write_text(demo_on_console(db), encoding="utf-8")

    first = bot(config, "2026-03-02T09:00+01:00", pause=point)
    first.stdin.write(FIRST)
    first.stdin.close()
    before = kill_when_paused(first, point)
    assert before.count(POSTED) == sent_before_kill

    second = bot(config, "2026-03-02T10:20+01:00", pause=None)  # within the one-hour grace period
    after, errors = second.communicate("clock +2h\n", timeout=PATIENCE)
    assert second.returncode == 0, errors
    assert before.count(POSTED) + after.count(POSTED) == 1
    assert statuses(db) == [final]
    assert ("[#strategy] cmbot: Post #1 on console:news" in after) is reported

    third = bot(config, "2026-03-02T12:00+01:00", pause=None)  # and a further restart changes nothing
    again, errors = third.communicate("clock +1d\n", timeout=PATIENCE)
    assert third.returncode == 0, errors
    assert POSTED not in again and "[#strategy]" not in again


BURST = 12  # posts due at the same instant: claimed in two chunks (8, then 4), their outcomes written together


@pytest.mark.parametrize(
    ("point", "sent_before_kill"),
    [
        ("ahead", 0),  # all read and rendered ahead, none claimed
        ("due", 0),  # the first chunk's claim never reached the store
        ("claimed", 0),  # claimed (`sending`), no platform call made
        ("sent", None),  # the outcomes of the posts sent so far being written: their rows left `sending`
        # (their console lines may not be shown yet: the console shows a post once its world has kept it)
    ],
)
def test_killed_mid_burst_publishes_each_post_once(tmp_path, point, sent_before_kill):
    db = tmp_path / "bot.db"
    config = tmp_path / "cmbot.toml"
    config.write_text(demo_on_console(db), encoding="utf-8")
    drafts = "".join(f'cmd sam /post draft body="Burst post {n}" to=#news at="2026-03-02 10:00"\n'
                     for n in range(BURST))

    first = bot(config, "2026-03-02T09:00+01:00", pause=point)
    first.stdin.write("join sam[smm]\n" + drafts + "clock +1h30m\n")
    first.stdin.close()
    before = kill_when_paused(first, point)
    shown = sum(len(posted(before, n)) for n in range(BURST))
    if sent_before_kill is not None:
        assert shown == sent_before_kill

    second = bot(config, "2026-03-02T10:20+01:00", pause=None)  # within the one-hour grace period
    after, errors = second.communicate("clock +2h\n", timeout=PATIENCE)
    assert second.returncode == 0, errors
    for n in range(BURST):  # never shown twice (a post saved just before the kill may not have been shown yet)
        assert len(posted(before, n)) + len(posted(after, n)) <= 1, n
    with sqlite3.connect(db) as conn:  # the console's world, as its members see it: each post once
        kept = Counter(row[0] for row in conn.execute(
            "SELECT text FROM console_messages WHERE author = 'cmbot' AND text LIKE 'Burst post %'"))
    assert kept == Counter({f"Burst post {n}": 1 for n in range(BURST)})
    assert statuses(db) == ["published"] * BURST
    assert "[#strategy]" not in after  # nothing left for the CMs: every row settled by its key


def posted(output: str, n: int) -> list[str]:
    """The lines of `output` that show burst post `n` in #news (its message id follows it)."""
    return re.findall(rf"^\[#news\] cmbot: Burst post {n}\b", output, re.MULTILINE)
