"""Imports are safe to re-run: stable keys, new / changed / unchanged, updates in place, a lossless export."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli

AS_OF = "2026-12-01T09:00+00:00"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = """
[bot]
database = "{db}"

[[communities]]
id = "demo"
name = "Démo"
locale = "{locale}"
timezone = "Europe/Paris"

[communities.console]
space_id = "console"
"""


@pytest.fixture
def config(tmp_path):
    def make(locale: str = "en") -> Path:
        path = tmp_path / f"cmbot-{locale}.toml"
        path.write_text(CONFIG.format(db=tmp_path / "bot.db", locale=locale), encoding="utf-8")
        return path

    return make


def posts(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), "posts", *args])


def rows(tmp_path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        return conn.execute("SELECT id, body, import_key, publish_at FROM calendar_posts ORDER BY id").fetchall()


@pytest.mark.parametrize("name", ["calendar.csv", "calendar.yml"])
def test_importing_twice_creates_nothing_the_second_time(config, tmp_path, name):
    path = config()
    first = posts(path, "import", "--as-of", AS_OF, str(EXAMPLES / name))
    assert first.exit_code == 0, first.output
    assert "New: 3; updated: 0; unchanged: 0" in first.output
    again = posts(path, "import", "--as-of", AS_OF, str(EXAMPLES / name), "--dry-run")
    assert again.exit_code == 0, again.output
    assert again.output.count("unchanged (post #") == 3 and "New: 0" in again.output
    second = posts(path, "import", "--as-of", AS_OF, str(EXAMPLES / name))
    assert "New: 0; updated: 0; unchanged: 3" in second.output
    assert len(rows(tmp_path)) == 3


def test_a_changed_row_updates_its_unpublished_post_in_place(config, tmp_path):
    path = config("fr")
    calendar = tmp_path / "cal.csv"
    calendar.write_text("key,at,to,body\nlaunch,2026-12-03 09:00,console:news,Bientôt\n"
                        "tip,2026-12-04 09:00,console:news,Astuce\n", encoding="utf-8")
    assert posts(path, "import", "--as-of", AS_OF, str(calendar)).exit_code == 0
    calendar.write_text("key,at,to,body\nlaunch,le 3 décembre à 10h,console:news,C’est parti\n"
                        "tip,2026-12-04 09:00,console:news,Astuce\nnew,2026-12-05 09:00,console:news,Nouveau\n",
                        encoding="utf-8")
    dry = posts(path, "import", "--as-of", AS_OF, str(calendar), "--dry-run")
    assert "Ligne 2\u00a0: modifiée\u00a0: la publication n°\u00a01 sera mise à jour" in dry.output
    assert "Ligne 3\u00a0: inchangée (publication n°\u00a02)" in dry.output
    assert "Ligne 4\u00a0: nouvelle, samedi 5 décembre 2026, 09:00" in dry.output
    assert "Essai à blanc" in dry.output and "row" not in dry.output.lower()
    real = posts(path, "import", "--as-of", AS_OF, str(calendar))
    assert real.exit_code == 0, real.output
    assert [(r[0], r[1], r[2]) for r in rows(tmp_path)] == [(1, "C’est parti", "launch"), (2, "Astuce", "tip"),
                                                           (3, "Nouveau", "new")]
    assert rows(tmp_path)[0][3].startswith("2026-12-03T09:00")  # 10:00 in Paris


def test_invalid_rows_are_reported_in_french(config, tmp_path):
    calendar = tmp_path / "bad.csv"
    calendar.write_text("at,to,body\n2020-01-01 09:00,console:news,Trop tard\nplus tard,console:news,Quand ?\n",
                        encoding="utf-8")
    result = posts(config("fr"), "import", "--as-of", AS_OF, str(calendar))
    assert result.exit_code == 1
    assert "Ligne 2\u00a0: Le champ" in result.output and "2 lignes sur 2 ne sont pas valables" in result.output
    assert "row" not in result.output and "invalid" not in result.output


@pytest.mark.parametrize("suffix", [".csv", ".yml"])
def test_export_then_import_is_lossless(config, tmp_path, suffix):
    path = config()
    assert posts(path, "import", "--as-of", AS_OF, str(EXAMPLES / "calendar.csv")).exit_code == 0
    out = tmp_path / f"export{suffix}"
    exported = posts(path, "export", str(out))
    assert exported.exit_code == 0 and "3 posts written" in exported.output
    if suffix == ".yml":
        assert len(yaml.safe_load(out.read_text(encoding="utf-8"))["posts"]) == 3
    back = posts(path, "import", "--as-of", AS_OF, str(out))
    assert back.exit_code == 0, back.output
    assert "New: 0; updated: 0; unchanged: 3" in back.output
    assert len(rows(tmp_path)) == 3


def test_list_prints_the_calendar_with_recurrences_in_words(config, tmp_path):
    path = config("fr")
    assert posts(path, "import", "--as-of", AS_OF, str(EXAMPLES / "calendar.csv")).exit_code == 0
    listed = posts(path, "list")
    assert listed.exit_code == 0, listed.output
    assert "3 publications\u00a0:" in listed.output and "n°\u00a01 · programmée" in listed.output
    assert "Tous les lundis à 09:00" in listed.output and "* * 1" not in listed.output
