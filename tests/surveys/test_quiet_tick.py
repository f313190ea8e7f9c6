"""The surveys' minute tick reads the store only when a survey may need it: none scheduled or open, no read;
a survey created, one read, then none until its start; a restart reads again. Counted, not timed."""

from __future__ import annotations

from datetime import timedelta

from bot.quiet import QuietUntil
from handlers.surveys import ledger
from schedules.surveys import runner as runner_module


def count_reads(monkeypatch) -> list[object]:
    reads: list[object] = []
    original = ledger.tick_view

    def counted(db):
        reads.append(db)
        return original(db)

    monkeypatch.setattr(ledger, "tick_view", counted)
    return reads


async def minutes(world, count: int) -> None:
    for _ in range(count):  # one tick each
        await world.advance(timedelta(seconds=61))


async def test_the_tick_reads_only_when_a_survey_is_scheduled_or_open(make_world, monkeypatch):
    reads = count_reads(monkeypatch)
    world = await make_world()
    assert len(reads) == 1  # the tick at start
    await minutes(world, 30)
    assert len(reads) == 1  # nothing scheduled or open: thirty ticks, no read

    answers = await world.command("claire", 'survey new kind=csat where=channel channel=general '
                                            'start="2026-11-24 10:00"', roles=("cm",))
    assert any(a.startswith("Survey #1 is scheduled") for a in answers), answers
    await minutes(world, 30)
    assert len(reads) == 2  # created: one read, then rest until its start

    await world.advance(timedelta(days=1))  # past its start: it opens
    assert world.db.execute("SELECT status FROM surveys").fetchall() == [("open",)]
    opened = len(reads)
    await minutes(world, 30)
    assert len(reads) <= opened + 1  # a channel survey has nothing to send: rest until it closes

    await world.stop()
    again = await make_world(clock=world.clock)
    assert len(reads) > opened  # the new run's first tick reads
    before = len(reads)
    await minutes(again, 10)
    assert len(reads) == before



async def test_a_tick_reading_while_a_survey_starts_or_closes_never_rests_through_its_work(make_world, monkeypatch):
    """A tick whose read lands between a start's (or a close's) first stir and its writes sees the survey as it
    was; the rest it concludes must be refused, else the DMs queued (or to edit closed) wait for days."""
    made: list[QuietUntil] = []

    class Recorded(QuietUntil):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(runner_module, "QuietUntil", Recorded)
    stale: list[int] = []
    for name in ("queue", "close"):
        original = getattr(ledger, name)

        def interleaved(db, *args, _original=original, **kwargs):
            stale.append(made[0].reading())  # a tick's read on the store's thread, just before the write
            return _original(db, *args, **kwargs)

        monkeypatch.setattr(ledger, name, interleaved)
    world = await make_world(surveys="dms_per_minute = 1")
    for member in ("ada", "bob", "cyd"):
        await world.say(member)
    [quiet] = made

    await world.command("sam", "survey new kind=nps where=dm days=3", roles=("smm",))
    quiet.rest(stale.pop(), None)  # what that tick concludes from what it read: nothing to do, ever
    assert not quiet.resting(world.clock.now())
    await minutes(world, 3)
    assert len(world.dms()) == 3  # one a minute, none left waiting

    await world.command("sam", "survey close id=1", roles=("smm",))
    quiet.rest(stale.pop(), None)
    assert not quiet.resting(world.clock.now())
