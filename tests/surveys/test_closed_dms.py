"""When a DM survey closes, every DM it sent is edited to say so and loses its buttons: once each, at the DM
rate (the same `dms_per_minute` budget as sending); a late click is answered clearly. A restart is
played on the console keeping its world in the database (as `cmbot run` does), and at the wire on Slack
(`test_slack_wire.py`), whose fake keeps its messages across runs of the bot."""

from __future__ import annotations

import re

from bot.clock import SimulatedClock
from tests.surveys.test_console_e2e import START, dm_ids, open_session

CLOSED = "Cette enquête est close"


def edits_of(printed: str) -> list[str]:
    """The ids of the messages the console shows as edited (`[DM → alice, m12 edited]`, `[#general edited m12]`)."""
    return [a or b for a, b in re.findall(r"(m\d+) edited\]|edited (m\d+)\]", printed)]


async def test_a_closing_dm_survey_edits_each_dm_once_at_the_dm_rate(settings, tmp_path):
    settings = settings.model_copy(update={"communities": [settings.communities[0].model_copy(update={
        "surveys": settings.communities[0].surveys.model_copy(update={"dms_per_minute": 2})})]})
    clock = SimulatedClock(START)
    session = await open_session(settings, tmp_path / "s.db", clock)
    members = ["alice", "bob", "carol", "dave", "erin"]
    await session.lines("\n".join(f"join {m}\nsay {m} #general Bonjour" for m in members))
    printed = await session.lines("cmd claire[cm] /survey new kind=csat where=dm")
    for _ in range(3):  # two DMs a minute
        printed += await session.lines("clock +61s")
    dms = {member: dm_ids(printed, member)[0] for member in members}
    printed = await session.lines(f"click alice {dms['alice']} 4")

    printed = await session.lines("cmd claire[cm] /survey close id=1")
    first = edits_of(printed)
    assert len(first) == 2 and CLOSED in printed  # the minute's budget, no more
    assert "[1] [2]" not in printed.split("édit")[-1]  # the edited DMs have no buttons left
    printed = ""
    for _ in range(3):
        printed += await session.lines("clock +61s")
    rest = edits_of(printed)
    assert sorted(first + rest) == sorted(dms.values())  # every DM edited, none twice
    printed = await session.lines("clock +1d")
    assert edits_of(printed) == []

    late = await session.lines(f"click bob {dms['bob']} 5")
    assert "has no button '5' (buttons: none)" in late  # the edited DM has no button left to click
    db = session.app.services.store.db
    assert db.execute("SELECT count(*) FROM survey_answers").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM survey_recipients WHERE closed_edit_at IS NULL").fetchone() == (0,)
    await session.app.stop()


async def test_after_a_restart_the_console_shows_each_closed_dm_edited_once(settings, tmp_path):
    """The console keeps its world in the database (as `cmbot run` does): a DM survey closed after a restart edits
    the DMs sent before it, shown as DMs, once each."""
    clock = SimulatedClock(START)
    path = tmp_path / "s.db"
    session = await open_session(settings, path, clock, keep_world=True)
    members = ["alice", "bob"]
    await session.lines("\n".join(f"join {m}\nsay {m} #general Bonjour" for m in members))
    printed = await session.lines("cmd claire[cm] /survey new kind=csat where=dm")
    printed += await session.lines("clock +61s")
    dms = {member: dm_ids(printed, member)[0] for member in members}
    await session.app.stop()

    session = await open_session(settings, path, clock, keep_world=True)  # a restart, the same database
    printed = await session.lines("cmd claire[cm] /survey close id=1")
    printed += await session.lines("clock +61s")
    assert "unknown message" not in printed
    for member, message in dms.items():
        assert printed.count(f"[DM → {member}, {message} edited]") == 1
    assert printed.count(CLOSED) == 2 and "[1] [2]" not in printed
    printed = await session.lines("clock +1d")
    assert edits_of(printed) == []
    await session.app.stop()
