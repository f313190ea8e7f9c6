"""ISO weeks in the community's timezone, DST weeks included."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from schedules.report.weeks import IsoWeek, day_epoch_bounds

PARIS = ZoneInfo("Europe/Paris")


def test_parse_and_print():
    assert str(IsoWeek.parse("2026-W47")) == "2026-W47"
    assert IsoWeek.parse("2026w7") == IsoWeek(2026, 7)
    for bad in ("2026-47", "W47", "2026-W54", "2026-W00", "{0.__class__}"):
        with pytest.raises(ValueError):
            IsoWeek.parse(bad)


def test_a_normal_week_starts_at_local_midnight():
    start, end = IsoWeek(2026, 47).bounds(PARIS)
    assert start == datetime(2026, 11, 15, 23, 0, tzinfo=UTC)  # Monday 00:00 in Paris (UTC+1)
    assert (end - start).total_seconds() == 168 * 3600


def test_spring_forward_week_is_167_hours():
    start, end = IsoWeek(2026, 13).bounds(PARIS)  # clocks go forward on Sunday 29 March 2026
    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # next Monday 00:00 is UTC+2
    assert (end - start).total_seconds() == 167 * 3600


def test_fall_back_week_is_169_hours():
    start, end = IsoWeek(2026, 43).bounds(PARIS)  # clocks go back on Sunday 25 October 2026
    assert (end - start).total_seconds() == 169 * 3600
    sunday_start, sunday_end = day_epoch_bounds(IsoWeek(2026, 43).days()[-1], PARIS)
    assert sunday_end - sunday_start == 25 * 3600


def test_containing_uses_the_local_date():
    sunday_late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # Monday 00:30 in Paris
    assert IsoWeek.containing(sunday_late, PARIS) == IsoWeek(2026, 48)
    assert IsoWeek.containing(sunday_late, ZoneInfo("America/New_York")) == IsoWeek(2026, 47)
    assert IsoWeek.last_complete(sunday_late, PARIS) == IsoWeek(2026, 47)


def test_shift_crosses_years():
    assert IsoWeek(2026, 1).shift(-1) == IsoWeek(2025, 52)
    assert IsoWeek(2026, 53).shift(1) == IsoWeek(2027, 1)


def test_events_are_counted_in_the_dst_week_they_happened(db):
    """An event at Sunday 23:30 local in the fall-back week belongs to that week, not the next."""
    from schedules.report.rollups import ensure_weeks
    from tests.report.dataset import acme_settings

    community = acme_settings().communities[0]
    at = int(datetime(2026, 10, 25, 23, 30, tzinfo=PARIS).timestamp())
    db.execute("INSERT INTO engagement_events (community, platform, channel_id, member_id, kind, at)"
               " VALUES ('acme', 'discord', 'c', 'm', 'message', ?)", [at])
    now = datetime(2026, 11, 2, tzinfo=UTC)
    ensure_weeks(db, "acme", [IsoWeek(2026, 43), IsoWeek(2026, 44)], community.tz, now)
    weeks = [r[0] for r in db.execute("SELECT week FROM engagement_member_weeks").fetchall()]
    assert weeks == ["2026-W43"]
