"""The whole bot on the console: members talk, `/report` answers, and Monday morning the report is posted."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups

SCRIPT = """
join alice
join bob
say alice #help Comment installer le module ?
reply bob m3 Avec la commande install
react carol[cm] m3 👍
say alice #feedback Super produit
cmd dave /report
cmd sam[smm] /report week=2026-W99
cmd sam /report week=2026-W48
clock 2026-11-30T09:00:00+01:00
"""


async def test_console_session_reports_on_demand_and_on_monday(settings, tmp_path):
    settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": tmp_path / "c.db"})})
    clock = SimulatedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(tmp_path / "c.db"), clock, wakeups, shipped_features())
    out = io.StringIO()
    console = ConsolePlatform("console", clock, app.services.commands, wakeups.run_due, stdin=io.StringIO(), stdout=out)
    app.attach([console])
    await app.start()
    for line in SCRIPT.strip().splitlines():
        await console.feed(line + "\n")
    await app.stop()
    printed = out.getvalue()
    assert "réservée" in printed or "reserved" in printed or "SMM" in printed  # dave has no role
    assert "2026-W99" in printed  # not an ISO week: a clear answer
    assert "[only sam sees]" in printed and "Rapport hebdomadaire — Demo — 2026-W48" in printed
    assert "Messages\u00a0: 2" in printed and "Réponses\u00a0: 1" in printed
    # carol reacted without a recorded join: still counted, so the share stays at 100 %
    assert "Part de membres actifs\u202f: 100\u202f%" in printed.replace("\xa0", "\u202f")
    assert "[#strategy]" in printed  # Monday 30 November 09:00: the weekly job posted W48
    db = Store.open(tmp_path / "c.db").db
    assert db.execute("SELECT status FROM report_runs WHERE week = '2026-W48'").fetchone() == ("posted",)
    kinds = [r[0] for r in db.execute("SELECT kind FROM engagement_events ORDER BY id")]
    assert kinds.count("join") == 2 and kinds.count("message") == 2 and "reply" in kinds
