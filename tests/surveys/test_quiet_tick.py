"""The surveys' minute tick reads the store only when a survey may need it: none scheduled or open, no read;
a survey created, one read, then none until its start; a restart reads again. Counted, not timed."""

from __future__ import annotations

from datetime import timedelta

from handlers.surveys import ledger


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
