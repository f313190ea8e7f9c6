"""The console platform end to end: the real CLI as a subprocess, a piped scenario, output and database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import sqlite_utils

from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "cmbot.toml"
    config.write_text(
        f"""
[bot]
database = "{tmp_path / 'console.db'}"
[[communities]]
id = "demo"
name = "Demo"
locale = "en"
[communities.console]
space_id = "console"
channels = {{ welcome = "welcome", moderation = "moderation", strategy = "strategy" }}
roles = {{ cm = ["cm"] }}
""",
        encoding="utf-8",
    )
    return config


def run_console(tmp_path: Path, script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(write_config(tmp_path)),
         "--start-at", "2026-11-23T09:00:00+01:00", *extra],
        input=script, capture_output=True, text=True, timeout=PATIENCE, cwd=tmp_path, env=env,
    )


def test_a_piped_scenario_runs_and_ends_at_end_of_input(tmp_path):
    script = "\n".join([
        "# a comment",
        "join alice",
        "say alice #general Hello @everyone",
        "cmd claire[cm] /help",
        "cmd alice /help extra",
        "cmd alice /post nothing",
        "cmd claire /posts list",
        "react alice m1 👍",
        "react alice m99 👍",
        "clock +1h30m",
        "something odd",
    ]) + "\n"
    result = run_console(tmp_path, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "→ alice joined" in out
    assert re.search(r"\[#general\] alice: Hello @everyone  \(m\d+\)", out)
    assert "[only claire sees] cmbot: What you can do with cmbot:" in out
    assert "[only alice sees] cmbot: Unexpected" not in out
    assert "Unknown command “post nothing”. Type /help" in out
    assert "Unknown command “posts list”. Did you mean /post list? Type /help" in out
    assert "console: no message 'm99'" in out
    assert "(clock: 2026-11-23 10:30 Europe/Paris)" in out
    assert "console: unknown line 'something'. Type `help` for the line syntax." in out
    db = sqlite_utils.Database(tmp_path / "console.db")
    assert db["seen_events"].count == 1  # the join, recorded so a replay cannot welcome twice
    assert "core.m001_spaces_seen" in {f"{r['migration_set']}.{r['name']}" for r in db["_sqlite_migrations"].rows}


def test_an_empty_say_and_a_wrong_modal_are_refused_with_a_reason(tmp_path):
    script = "\n".join([
        "say alice #general",
        "submit bob cal:draft body=hello",
        "cmd claire[cm] /post draft",
        "submit claire cal:nope body=hello",
        "submit claire cal:draft body=hello",
        "submit claire cal:draft body=again",
    ]) + "\n"
    result = run_console(tmp_path, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "console: a message needs some text (usage: say NAME #CHANNEL TEXT)" in out
    assert "alice:" not in out  # nothing was posted
    assert "console: no modal 'cal:draft' is open for bob (a command or a button opens one)" in out
    assert "console: no modal 'cal:nope' is open for claire (open for them: cal:draft)" in out
    assert out.count("no modal 'cal:draft' is open for claire") == 1  # a modal is submitted once


def test_help_line_prints_the_syntax(tmp_path):
    result = run_console(tmp_path, "help\n")
    assert "say NAME #CHANNEL TEXT" in result.stdout and "clock +1h30m" in result.stdout


def test_quit_stops_before_the_rest(tmp_path):
    result = run_console(tmp_path, "join bob\nquit\njoin carol\n")
    assert "bob joined" in result.stdout and "carol" not in result.stdout


def test_the_shipped_demo_shows_every_feature(tmp_path):
    demo = (ROOT / "examples" / "demo.txt").read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    result = subprocess.run(  # the embedded default config, as the README's first command runs it
        [sys.executable, "-m", "bot", "run", "--start-at", "2026-11-23T09:00:00+01:00"],
        input=demo, capture_output=True, text=True, timeout=PATIENCE, cwd=tmp_path, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and " ERROR " not in result.stderr
    out = result.stdout
    assert "console:" not in out.replace("console:news", "").replace("console:events", "").replace(
        "console:alice", "").replace("console:bob", "").replace("console://", ""), "a demo line was refused"
    assert "[#welcome] cmbot: Bienvenue dans Communauté démo, @alice" in out
    assert "[#news] cmbot: Nouveau tuto" in out and "utm_campaign=lancement" in out
    assert "(horloge\u00a0: 2026-11-26 18:00 Europe/Paris)\n[#events] cmbot: Live questions-réponses" in out
    assert "[#moderation] cmbot: == Signalement n°\u00a01" in out and "Membre averti par claire" in out
    assert "[MP → bob]" in out and "[#general] cmbot a supprimé m11" in out
    # the console's own lines speak the community's language (French here), with French typography
    assert "→ alice rejoint la communauté" in out and "[visible seulement par claire]" in out
    assert "• Statut\u00a0: programmée" in out and "[image\u00a0: reports/demo-2026-W48.png]" in out
    assert "(signalement de m13 transmis discrètement aux modérateurs)" in out
    english = ("alice joined", " sees]", "DM →", "clock:", "deleted m", "report of", "[image:", "Status:", " edited ")
    assert [word for word in english if word in out] == []
    assert "[#strategy] cmbot: == Rapport hebdomadaire — Communauté démo — 2026-W48" in out
    assert "[#general] cmbot: == 📊 Résultats du sondage n°\u00a01 ==" in out and "Jeudi — 2 votes" in out
    assert (tmp_path / "cmbot.db").exists()


def test_sigterm_stops_the_bot_cleanly(tmp_path):
    import signal

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(write_config(tmp_path))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
    )
    try:
        process.stdin.write("join alice\n")
        process.stdin.flush()
        # read until the join is echoed; a bot that dies first ends the stream and fails the assertion
        seen = next((line for line in process.stdout if "alice joined" in line), "")
        assert "alice joined" in seen
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=PATIENCE) == 0
        assert "cmbot stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
