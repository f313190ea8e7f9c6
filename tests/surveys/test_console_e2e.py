"""Surveys on the console, through its lines: a DM survey reaches only eligible members, once; answers and
comments are stored, changeable, and shown back without names; a channel survey is posted and closed."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Session:
    def __init__(self, app: App, console: ConsolePlatform, out: io.StringIO) -> None:
        self.app, self.console, self.out = app, console, out

    async def lines(self, script: str) -> str:
        before = len(self.out.getvalue())
        for line in script.strip().splitlines():
            await self.console.feed(line.strip() + "\n")
        return self.out.getvalue()[before:]


async def open_session(settings, path, clock: SimulatedClock, keep_world: bool = False) -> Session:
    """The app on the console; with `keep_world`, the console keeps its simulated world (members, messages) in
    the database, as `cmbot run` does, so a second session on the same file is a restart."""
    settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": path})})
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(path), clock, wakeups, shipped_features())
    out = io.StringIO()
    console = ConsolePlatform("console", clock, app.services.commands, wakeups.run_due, stdin=io.StringIO(),
                              stdout=out, store=app.services.store if keep_world else None)
    app.attach([console])
    await app.start()
    return Session(app, console, out)


def dm_ids(printed: str, member: str) -> list[str]:
    """The message ids of the DMs `member` received (the console prints `[DM → alice] … (m12)`)."""
    ids = []
    blocks = re.split(r"(?m)^(?=\[)", printed)
    for block in blocks:
        if re.match(rf"\[(MP|DM) → {member}\]", block):
            ids += re.findall(r"\((m\d+)\)", block)[:1]
    return ids


async def test_a_dm_survey_reaches_active_members_once_and_records_answers(settings, tmp_path):
    clock = SimulatedClock(START)
    session = await open_session(settings, tmp_path / "s.db", clock)
    await session.lines("""
        join alice
        join bob
        join carol
        join dave
        say alice #general Bonjour
        say bob #general Salut
        say carol #general Coucou
        say claire[cm] #general Je suis du staff
        cmd carol /survey opt-out
    """)
    printed = await session.lines("cmd claire[cm] /survey new kind=nps where=dm")
    assert "n°\u00a01" in printed and "1\u00a0membre" not in printed
    assert "2 membres" in printed  # alice and bob: carol opted out, dave never spoke, claire is staff
    assert dm_ids(printed, "alice") and dm_ids(printed, "bob")
    assert "→ carol]" not in printed and "→ dave]" not in printed and "→ claire]" not in printed
    alice_dm, bob_dm = dm_ids(printed, "alice")[0], dm_ids(printed, "bob")[0]

    printed = await session.lines(f"""
        click alice {alice_dm} 9
        submit alice srv:c:1 comment="Très bien <@everyone> {{member.__class__}} \u202eevil"
        click bob {bob_dm} 3
        click bob {bob_dm} 10
        click dave {alice_dm} 0
    """)
    assert "srv:c:1" in printed and "merci" in printed.lower()
    assert "d’autres membres" in printed  # dave clicking alice's DM is refused

    db = session.app.services.store.db
    rows = db.execute("SELECT member_id, score, comment FROM survey_answers ORDER BY member_id").fetchall()
    assert rows == [("alice", 9, "Très bien <@everyone> {member.__class__} evil"), ("bob", 10, None)]

    # a second survey the same week: nobody asked again within repeat_days
    printed = await session.lines("cmd claire[cm] /survey new kind=csat where=dm")
    assert "Aucun membre" in printed and " → " not in printed

    printed = await session.lines("cmd claire[cm] /survey results 1")
    assert "NPS +100" in printed and "2\u00a0réponses" in printed.replace(" réponses", "\u00a0réponses")
    assert "Très bien <@everyone> {member.__class__} evil" in printed
    assert "alice" not in printed.split("[visible seulement par claire]")[-1]  # no names in the results
    await session.app.stop()


async def test_a_channel_survey_is_posted_answered_and_closed(settings, tmp_path):
    clock = SimulatedClock(START)
    session = await open_session(settings, tmp_path / "c.db", clock)
    printed = await session.lines("""
        join alice
        cmd sam[smm] #general /survey new kind=csat days=2
    """)
    post = re.search(r"\[#general\] cmbot: .*?\((m\d+)\)", printed, re.S)
    assert post is not None and "satisfait" in printed
    printed = await session.lines(f"""
        click alice {post.group(1)} 5
        clock +2d1m
        click alice {post.group(1)} 1
    """)
    assert "close" in printed
    db = session.app.services.store.db
    assert db.execute("SELECT score FROM survey_answers").fetchall() == [(5,)]
    assert db.execute("SELECT status FROM surveys").fetchall() == [("closed",)]
    assert "[#strategy]" in printed and "CSAT 100\u00a0%" in printed
    await session.app.stop()
