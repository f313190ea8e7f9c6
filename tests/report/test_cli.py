"""`cmbot report`: every format, to stdout or a file, and clear errors for bad input."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from bot.cli import cli
from bot.features import shipped_features
from bot.wiring import open_store_for
from tests.report.dataset import ACME_TOML, acme_settings, load


def _config(tmp_path):
    path = tmp_path / "cmbot.toml"
    path.write_text(ACME_TOML.replace('database = "cmbot.db"', f'database = "{tmp_path / "bot.db"}"'),
                    encoding="utf-8")
    settings = acme_settings().model_copy(update={"bot": acme_settings().bot.model_copy(
        update={"database": tmp_path / "bot.db"})})
    store = open_store_for(settings, shipped_features())
    load(store.db)
    store.close()
    return path


def test_json_to_stdout(tmp_path):
    config = _config(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "2026-W47", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["scopes"][0]["figures"]["joined"] == 3


def test_csv_markdown_and_chart_to_files(tmp_path):
    config = _config(tmp_path)
    out = tmp_path / "w47.csv"
    chart = tmp_path / "w47.png"
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "2026-W47", "--format", "csv",
                                      "--out", str(out), "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert any(r["platform"] == "all" and r["metric"] == "messages" and r["value"] == "7" for r in rows)
    assert chart.read_bytes().startswith(b"\x89PNG")
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "2026-W47", "--format",
                                      "markdown"])
    assert result.output.startswith("## Weekly report — Acme — 2026-W47")


def test_the_chart_is_written_beside_the_report_by_default(tmp_path):
    config = _config(tmp_path)
    out = tmp_path / "decks" / "w47.md"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "2026-W47", "--format",
                                      "markdown", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "decks" / "w47-chart.png").read_bytes().startswith(b"\x89PNG")
    assert "w47-chart.png" in result.output  # said on stderr, where it went
    other = tmp_path / "decks" / "plain.md"
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "2026-W47", "--out", str(other),
                                      "--no-chart"])
    assert result.exit_code == 0 and not (tmp_path / "decks" / "plain-chart.png").exists()


def test_bad_week_and_unknown_community(tmp_path):
    config = _config(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "47"])
    assert result.exit_code == 2 and "2026-W47" in result.output
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--community", "nope"])
    assert result.exit_code == 2 and "acme" in result.output
    result = CliRunner().invoke(cli, ["--config", str(config), "report", "--format", "pdf"])
    assert result.exit_code == 2
