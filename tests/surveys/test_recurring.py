"""Recurring surveys (`every=month|quarter`): each opening writes the next one, scheduled, at the same local time
a period later, exactly once across restarts; closing the next one before it starts ends the series; after a
long stop the missed periods are not made up for."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.clock import SimulatedClock
from handlers.surveys import ledger
from handlers.surveys.repeat import MONTHS, next_start

PARIS = ZoneInfo("Europe/Paris")


def surveys(world) -> list[tuple[int, str, str, str | None]]:
    """(id, status, local start, every) of every survey, oldest first."""
    rows = world.db.execute("SELECT id, status, starts_at, every FROM surveys ORDER BY id").fetchall()
    return [(i, status, datetime.fromtimestamp(at, PARIS).strftime("%Y-%m-%d %H:%M"), every)
            for i, status, at, every in rows]


async def test_a_monthly_survey_comes_back_at_the_same_local_hour_across_summer_time(make_world):
    world = await make_world()
    said = await world.command("sam", "survey new kind=nps every=month start=2026-12-01T10:00", roles=("smm",))
    assert "Survey #1 is scheduled" in said[0]
    assert "It comes back every month: the next one starts on" in said[0] and "2027" in said[0]
    assert surveys(world) == [(1, "scheduled", "2026-12-01 10:00", "month")]

    await world.wakeups.advance_to(datetime(2026, 12, 1, 9, 1, tzinfo=UTC))  # 10:01 in Paris
    assert surveys(world) == [(1, "open", "2026-12-01 10:00", "month"),
                              (2, "scheduled", "2027-01-01 10:00", "month")]
    listed = await world.command("sam", "survey list", roles=("smm",))
    assert "(every month)" in listed[0]

    await world.wakeups.advance_to(datetime(2027, 1, 1, 9, 1, tzinfo=UTC))
    assert [s[:3] for s in surveys(world)] == [(1, "closed", "2026-12-01 10:00"), (2, "open", "2027-01-01 10:00"),
                                               (3, "scheduled", "2027-02-01 10:00")]
    # a quarterly one started in summer time comes back at 10:00 in winter time (09:00 UTC, not 08:00)
    assert next_start(int(datetime(2026, 8, 3, 8, 0, tzinfo=UTC).timestamp()), "quarter", PARIS, 0) == int(
        datetime(2026, 11, 3, 9, 0, tzinfo=UTC).timestamp())


async def test_a_survey_of_the_31st_comes_back_on_the_31st_after_a_february(make_world):
    world = await make_world()
    await world.command("sam", "survey new kind=csat every=month days=3 start=2027-01-31T10:00", roles=("smm",))
    await world.wakeups.advance_to(datetime(2027, 1, 31, 9, 1, tzinfo=UTC))
    await world.wakeups.advance_to(datetime(2027, 2, 28, 9, 1, tzinfo=UTC))
    assert [s[2] for s in surveys(world)] == ["2027-01-31 10:00", "2027-02-28 10:00", "2027-03-31 10:00"]


async def test_the_next_one_is_written_once_whatever_the_restarts(make_world):
    world = await make_world()
    await world.command("sam", "survey new kind=csat every=quarter days=10", roles=("smm",))  # starts now
    assert [s[1] for s in surveys(world)] == ["open", "scheduled"]
    await world.advance(timedelta(minutes=3))  # ticks: the open survey is not opened again
    now = world.clock.now()
    await world.stop()
    world = await make_world(clock=SimulatedClock(now + timedelta(minutes=5)))
    await world.advance(timedelta(days=11))  # the first closes, nothing new before its next quarter
    assert [s[1] for s in surveys(world)] == ["closed", "scheduled"]
    first, following = (ledger.get(world.db, 1), ledger.get(world.db, 2))
    assert first is not None and following is not None
    assert following.closes_at - following.starts_at == first.starts_at + 10 * 86_400 - first.starts_at
    assert (following.kind, following.question, following.delivery, following.every) == (
        first.kind, first.question, first.delivery, "quarter")


async def test_closing_the_next_one_before_it_starts_ends_the_series(make_world):
    world = await make_world()
    await world.command("sam", "survey new kind=nps every=month days=7", roles=("smm",))
    posts_before = len(world.posts())
    said = await world.command("sam", "survey close id=2", roles=("smm",))
    assert said == ["Survey #2 will not start: it is cancelled. If it was the next of a recurring survey,"
                    " the series stops here."]
    assert len(world.posts()) == posts_before  # nothing to report for a survey that never started
    await world.advance(timedelta(days=62))
    assert [s[1] for s in surveys(world)] == ["closed", "closed"]  # no third one, ever


async def test_after_a_long_stop_the_missed_periods_are_not_made_up_for(make_world):
    world = await make_world()
    await world.command("sam", "survey new kind=nps every=month days=3", roles=("smm",))  # 2026-11-23 10:00
    now = world.clock.now()
    await world.stop()
    world = await make_world(clock=SimulatedClock(now + timedelta(days=75)))  # back on 2027-02-06
    await world.advance(timedelta(minutes=2))
    assert [s[:3] for s in surveys(world)] == [(1, "closed", "2026-11-23 10:00"), (2, "closed", "2026-12-23 10:00"),
                                               (3, "scheduled", "2027-02-23 10:00")]


async def test_a_monthly_survey_must_close_before_the_next_and_speaks_french(make_world):
    world = await make_world()
    said = await world.command("sam", "survey new kind=nps every=month days=30", roles=("smm",))
    assert said == ["A survey that comes back every month stays open at most 28 days, not 30."]
    assert surveys(world) == []
    french = await make_world(locale="fr")
    said = await french.command("sam", "survey new kind=nps every=quarter start=2026-12-01T10:00", roles=("smm",))
    assert "Elle revient chaque trimestre\xa0: la prochaine commence le 1 mars 2027 à 10:00." in said[0]


def _naive_next(start: datetime, months: int) -> datetime:
    """Month arithmetic by hand: the same day (or the month's last), the same wall-clock time."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
       st.sampled_from(sorted(MONTHS)), st.integers(min_value=0, max_value=400))
def test_next_start_is_the_calendars_month_arithmetic_at_the_same_wall_clock(local, every, later_days):
    tz = ZoneInfo("Europe/Paris")
    local = local.replace(second=0, microsecond=0)
    starts_at = int(local.replace(tzinfo=tz).timestamp())
    after = starts_at + later_days * 86_400
    found = next_start(starts_at, every, tz, after)
    assert found > after
    # the first step of the naive series past `after` (a wall time in the spring gap moves forward by the gap)
    origin = datetime.fromtimestamp(starts_at, tz).replace(tzinfo=None)
    step = 1
    while True:
        naive = _naive_next(origin, MONTHS[every] * step)
        expected = int(naive.replace(tzinfo=tz, fold=0).timestamp())
        if expected > after:
            break
        step += 1
    assert found == expected


async def test_the_starter_forgotten_the_series_goes_on_without_their_id(make_world):
    world = await make_world()
    await world.command("sam", "survey new kind=nps every=month days=7", roles=("smm",))
    said = await world.command("sam", "privacy forget-me confirm=yes", roles=("smm",))
    assert said and "surveys you started" in said[0]
    rows = world.db.execute("SELECT id, status, created_by FROM surveys ORDER BY id").fetchall()
    assert rows == [(1, "open", "forgotten"), (2, "scheduled", "forgotten")]
