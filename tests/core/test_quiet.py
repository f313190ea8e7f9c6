"""`QuietUntil`: a sweep rests only on a reading that no change overtook, and only until the instant it named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.quiet import QuietUntil

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_new_one_reads_and_a_rest_lasts_until_its_instant():
    quiet = QuietUntil()
    assert not quiet.resting(NOW)  # a new process reads first
    quiet.rest(quiet.reading(), NOW + timedelta(hours=1))
    assert quiet.resting(NOW + timedelta(minutes=59))
    assert not quiet.resting(NOW + timedelta(hours=1))


def test_nothing_pending_rests_for_good_until_stirred():
    quiet = QuietUntil()
    quiet.rest(quiet.reading(), None)
    assert quiet.resting(NOW + timedelta(days=365))
    quiet.stir()
    assert not quiet.resting(NOW)


def test_a_reading_overtaken_by_a_change_does_not_rest():
    quiet = QuietUntil()
    token = quiet.reading()
    quiet.stir()  # a poll opened while the sweep was reading
    quiet.rest(token, None)
    assert not quiet.resting(NOW)
    quiet.rest(quiet.reading(), None)
    assert quiet.resting(NOW)
