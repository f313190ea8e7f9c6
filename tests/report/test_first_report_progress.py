"""The first report on a log that was never rolled up reads it all once, and says how far it got."""

from __future__ import annotations

import logging
from datetime import timedelta

from click.testing import CliRunner

from bot.cli import cli
from handlers.engagement.migrations import EVENTS
from tests.report.dataset import NOW
from tests.report.test_cli import _config


def test_a_first_report_over_months_of_log_shows_its_progress_in_the_cli_and_the_log(tmp_path, caplog):
    config = _config(tmp_path)
    from bot.store import Store

    store = Store.open(tmp_path / "bot.db")
    start = int((NOW - timedelta(weeks=30)).timestamp())
    with store.db.conn:  # a year-old community: activity every week for 30 weeks before the dataset's (five slices)
        store.db.conn.executemany(
            f"INSERT INTO {EVENTS} (community, platform, channel_id, member_id, kind, at) VALUES"
            " ('acme', 'discord', 'c', ?, 'message', ?)",
            [(f"old{i}", start + i * 7 * 86_400) for i in range(24)])
    store.close()
    with caplog.at_level(logging.INFO, logger="schedules.report.builder"):
        result = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "2026-W47"])
    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines() if line.startswith("reading the engagement log")]
    assert len(shown) >= 5 and shown[-1].split(": ")[1].split()[0].split("/")[0] == shown[-1].split("/")[1].split()[0]
    logged = [r.getMessage() for r in caplog.records if "first roll-up of the engagement log" in r.getMessage()]
    assert len(logged) == len(shown)
    again = CliRunner().invoke(cli, ["--config", str(config), "report", "--week", "2026-W47"])
    assert "reading the engagement log" not in again.output  # rolled up once: the next report reads roll-ups
