"""`cmbot posts import`: all or nothing, with a row-by-row report."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

AS_OF = "2026-12-01T09:00+00:00"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = """
[bot]
database = "{db}"

[[communities]]
id = "demo"
name = "Demo"
locale = "en"
timezone = "Europe/Paris"

[communities.console]
space_id = "console"
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "cmbot.toml"
    path.write_text(CONFIG.format(db=tmp_path / "bot.db"), encoding="utf-8")
    return path


def run(config, *args):
    return CliRunner().invoke(cli, ["--config", str(config), "posts", "import", "--as-of", AS_OF, *args])


def count_posts(tmp_path) -> int:
    import sqlite3

    db = tmp_path / "bot.db"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return conn.execute("SELECT COUNT(*) FROM calendar_posts").fetchone()[0] if "calendar_posts" in tables else 0


@pytest.mark.parametrize("name", ["calendar.csv", "calendar.yml"])
def test_examples_are_valid_and_import(config, tmp_path, name):
    dry = run(config, str(EXAMPLES / name), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "row 2: new" in dry.output and "Dry run, nothing was imported" in dry.output
    assert count_posts(tmp_path) == 0
    real = run(config, str(EXAMPLES / name))
    assert real.exit_code == 0, real.output
    assert count_posts(tmp_path) == 3


def test_one_bad_row_imports_nothing(config, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "at,to,body,pillar\n"
        "2026-12-03 09:00,console:news,Fine,news\n"
        "2020-01-01 09:00,console:news,Too late,news\n"
        "2026-12-04 09:00,console:news,Odd pillar,memes\n",
        encoding="utf-8",
    )
    result = run(config, str(bad))
    assert result.exit_code == 1
    assert "row 2: new" in result.output
    assert "row 3: The “at” field is in the past" in result.output
    assert "row 4: The “pillar” field “memes”" in result.output
    assert "nothing was imported" in result.output
    assert count_posts(tmp_path) == 0


def test_unreadable_file_is_a_clear_error(config, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("posts: {not: a list}\n", encoding="utf-8")
    result = run(config, str(bad))
    assert result.exit_code == 1
    assert "expected a list of posts" in result.output
