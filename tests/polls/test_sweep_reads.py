"""The safety-net sweep reads the store only when a poll may be due: nothing open, no read; a poll opened, one
read, then none until its end; after a close, one read; after a restart, one read. Counted, not timed."""

from __future__ import annotations

from handlers.polls import polls as ledger
from tests.polls.conftest import ConsoleBot


def count_reads(monkeypatch) -> list[object]:
    reads: list[object] = []
    original = ledger.sweep_view

    def counted(db, now):
        reads.append(now)
        return original(db, now)

    monkeypatch.setattr(ledger, "sweep_view", counted)
    return reads


async def minutes(bot: ConsoleBot, count: int) -> None:
    for _ in range(count):  # one wake-up of the minute sweep each
        await bot.lines("clock +61s")


async def test_the_sweep_reads_only_when_a_poll_may_be_due(console_bot, monkeypatch):
    reads = count_reads(monkeypatch)
    bot: ConsoleBot = await console_bot()
    assert len(reads) == 1  # the sweep at start
    await minutes(bot, 30)
    assert len(reads) == 1  # nothing open: thirty sweeps, no read

    out = await bot.lines('cmd sam[smm] #general /poll new question="Which day?" answers="Monday | Thursday" '
                          "duration=2h")
    assert "Poll #1 created" in out
    await minutes(bot, 30)
    assert len(reads) == 2  # the poll opened: one read, then rest until its end

    out = await bot.lines("clock +2h")
    assert out.count("📊 Results of poll #1") == 1
    after_close = len(reads)
    await minutes(bot, 30)
    assert len(reads) <= after_close + 1  # the close stirred it: at most one read, then rest again
    assert bot.db.execute("SELECT status FROM polls").fetchall() == [("closed",)]

    settled = len(reads)
    bot = await bot.restart()
    assert len(reads) == settled + 1  # a new run reads once
    await minutes(bot, 10)
    assert len(reads) == settled + 1
