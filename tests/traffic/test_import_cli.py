"""`cmbot traffic import`: end to end through the real CLI and a real SQLite file."""

from __future__ import annotations

from datetime import date, timedelta

from click.testing import CliRunner

from bot.cli import cli
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.traffic.migrations import migrations
from handlers.traffic.visits import totals
from tests.traffic.conftest import DATA, TRAFFIC_TOML

WEEKS = [date(2026, 11, 2) + timedelta(days=i) for i in range(14)]


def _config(tmp_path):
    path = tmp_path / "cmbot.toml"
    path.write_text(TRAFFIC_TOML.replace('database = "cmbot.db"', f'database = "{tmp_path / "cmbot.db"}"'))
    return path


def _totals(tmp_path):
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [migrations])
    try:
        return totals(store.db, "brand", WEEKS), totals(store.db, "brand", WEEKS, ["discord", "slack"])
    finally:
        store.close()


def test_import_twice_counts_once_and_says_what_it_replaced(tmp_path):
    config = _config(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["--config", str(config), "traffic", "import", str(DATA / "ga4_2026-W45-W46.csv")])
    assert first.exit_code == 0, first.output
    assert "export GA4, du 2 novembre 2026 au 15 novembre 2026" in first.output  # a French community
    once = _totals(tmp_path)
    second = runner.invoke(cli, ["--config", str(config), "traffic", "import", str(DATA / "ga4_2026-W45-W46.csv")])
    assert second.exit_code == 0 and "14 jours remplacés" in second.output
    assert _totals(tmp_path) == once
    assert once[1].visits < once[0].visits  # the community's share is only part of all traffic


def test_a_bad_file_stores_nothing_and_exits_1(tmp_path):
    config = _config(tmp_path)
    bad = tmp_path / "export.csv"
    bad.write_text("Date,Session source / medium,Session campaign,Sessions,Key events\n"
                   "20261102,discord / community,a,10,1\n20261103,discord / community,a,??,1\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "traffic", "import", str(bad)])
    assert result.exit_code == 1
    assert "ligne 3\u00a0: «\u00a0??\u00a0» n’est pas un nombre de visites" in result.output
    runner = CliRunner()
    ok = runner.invoke(cli, ["--config", str(config), "traffic", "import", "--dry-run",
                             str(DATA / "matomo_2026-W45-W46.csv")])
    assert ok.exit_code == 0 and "essai à blanc" in ok.output
    assert _totals(tmp_path)[0].visits == 0
