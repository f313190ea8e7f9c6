"""Every CLI command and every slash command is documented (in the style of sqlite-utils' `test_docs.py`).

A command a user cannot find in the docs does not exist for them: each `cmbot …` command must appear, written
out in full, in README.md or docs/, and each slash command as `/name …`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.store import Store
from bot.wakeups import SteppedWakeups
from tests.core.test_cli import walk

ROOT = Path(__file__).resolve().parents[2]


def documentation() -> str:
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))]
    return re.sub(r"\s+", " ", "\n".join(texts))


def cli_commands() -> list[str]:
    from bot.cli import cli

    return [" ".join(path) for path, _ in walk(cli) if len(path) > 1]


def slash_commands(settings, tmp_path) -> list[str]:
    clock = SimulatedClock()
    app = App(settings, Store.open(tmp_path / "docs.db"), clock, SteppedWakeups(clock), shipped_features())
    try:
        return ["/" + spec.name for spec in app.services.commands]
    finally:
        app.services.store.close()


@pytest.mark.parametrize("command", cli_commands())
def test_every_cli_command_is_documented(command):
    assert command in documentation(), f"{command} is not in README.md or docs/"


def test_every_slash_command_is_documented(settings, tmp_path):
    text = documentation()
    missing = [name for name in slash_commands(settings, tmp_path) if name not in text]
    assert missing == []


def test_the_lists_are_not_empty(settings, tmp_path):
    assert len(cli_commands()) > 10 and len(slash_commands(settings, tmp_path)) > 5


def quick_start_commands() -> list[str]:
    """The shell commands of the README's Quick start, one per line, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_ci_runs_the_readme_test_command_word_for_word():
    """The README's test command is the one CI runs: pip shows its progress and pytest one line per test file
    (no `-q`, which prints dots only), so a newcomer sees what CI sees."""
    test_command = next(command for command in quick_start_commands() if "pytest" in command)
    assert " -q" not in test_command and "--quiet" not in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    runs = [line.split("||")[0].strip() for line in ci.splitlines() if not line.lstrip().startswith("#")]
    assert test_command in runs
