from datetime import UTC, datetime
from itertools import islice

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Catalogue
from handlers.calendar.describe import describe_cron
from handlers.calendar.recurrence import Cron, Recurrence, RecurrenceError, readable_to_cron

PARIS = "Europe/Paris"


def _local(instants):
    from zoneinfo import ZoneInfo

    return [i.astimezone(ZoneInfo(PARIS)).strftime("%Y-%m-%d %H:%M %z") for i in instants]


@pytest.mark.parametrize(
    ("text", "cron"),
    [
        ("monday 09:00", "0 9 * * 1"),
        ("lundi 9h", "0 9 * * 1"),
        ("tous les lundis à 9h", "0 9 * * 1"),
        ("every monday at 09:00", "0 9 * * 1"),
        ("lundi,jeudi 18h30", "30 18 * * 1,4"),
        ("day 07:15", "15 7 * * *"),
        ("weekday 9h", "0 9 * * 1-5"),
        ("month 1 10:00", "0 10 1 * *"),
    ],
)
def test_readable_forms(text, cron):
    assert readable_to_cron(text) == cron


@pytest.mark.parametrize("text", ["monday", "someday 09:00", "monday 25:00", "month 40 9h", "9h"])
def test_unreadable_forms_are_refused(text):
    with pytest.raises(RecurrenceError):
        readable_to_cron(text)


@pytest.mark.parametrize("cron", ["* * *", "61 * * * *", "0 9 * * funday", "0 9 */0 * *"])
def test_bad_cron_is_refused(cron):
    with pytest.raises(RecurrenceError):
        Recurrence.build(cron, PARIS)


def test_weekly_keeps_wall_clock_time_across_spring_change():
    rule = Recurrence.build("0 9 * * *", PARIS)
    got = _local(islice(rule.occurrences(datetime(2026, 3, 28, tzinfo=UTC)), 3))
    assert got == ["2026-03-28 09:00 +0100", "2026-03-29 09:00 +0200", "2026-03-30 09:00 +0200"]


def test_time_in_the_spring_gap_moves_forward_once():
    rule = Recurrence.build("30 2 * * *", PARIS)
    got = _local(islice(rule.occurrences(datetime(2026, 3, 28, tzinfo=UTC)), 3))
    assert got == ["2026-03-28 02:30 +0100", "2026-03-29 03:30 +0200", "2026-03-30 02:30 +0200"]


def test_time_in_the_autumn_overlap_occurs_once():
    rule = Recurrence.build("30 2 * * *", PARIS)
    got = _local(islice(rule.occurrences(datetime(2026, 10, 24, tzinfo=UTC)), 3))
    assert got == ["2026-10-24 02:30 +0200", "2026-10-25 02:30 +0200", "2026-10-26 02:30 +0100"]


def test_autumn_change_keeps_nine_o_clock():
    rule = Recurrence.build("0 9 * * 0", PARIS)  # Sundays
    got = _local(islice(rule.occurrences(datetime(2026, 10, 18, tzinfo=UTC)), 2))
    assert got == ["2026-10-18 09:00 +0200", "2026-10-25 09:00 +0100"]


def test_count_and_until_end_the_series():
    start = datetime(2026, 3, 2, tzinfo=UTC)
    by_count = Recurrence.build("0 9 * * 1", PARIS, count=2)
    first = by_count.after(start, None, 0)
    second = by_count.after(start, first, 1)
    assert by_count.after(start, second, 2) is None
    until = Recurrence.build("0 9 * * 1", PARIS, until=datetime(2026, 3, 10, tzinfo=UTC))
    assert list(until.occurrences(start)) == [first, second]


def test_until_and_count_together_are_refused():
    with pytest.raises(RecurrenceError):
        Recurrence.build("0 9 * * 1", PARIS, until=datetime(2026, 3, 10, tzinfo=UTC), count=3)


@pytest.mark.parametrize(
    ("text", "cron"),
    [
        ("du lundi au vendredi à 9h", "0 9 * * 1-5"),
        ("tous les lundis et jeudis à 18h30", "30 18 * * 1,4"),
        ("le 1er de chaque mois à 10h", "0 10 1 * *"),
        ("le 15 de chaque mois à 8h", "0 8 15 * *"),
        ("en semaine à 9h", "0 9 * * 1-5"),
        ("du vendredi au dimanche à 20h", "0 20 * * 5-6,0"),
        ("every monday and thursday at 6:30pm", "30 18 * * 1,4"),
        ("monday to friday at 9am", "0 9 * * 1-5"),
        ("on the 1st of every month at 10:00", "0 10 1 * *"),
    ],
)
def test_recurrences_as_a_french_or_english_cm_writes_them(text, cron):
    assert readable_to_cron(text) == cron


@pytest.mark.parametrize("text", ["du lundi au 9h", "le 1er et le 2 de chaque mois à 10h", "du mardi au lundi 9h",
                                  "lundi au vendredi samedi 9h"])
def test_half_readable_recurrences_are_refused_not_guessed(text):
    with pytest.raises(RecurrenceError):
        readable_to_cron(text)


_SHAPES = st.one_of(
    st.just("* * *"),
    st.just("* * 1-5"),
    st.frozensets(st.integers(0, 6), min_size=1, max_size=6).map(lambda d: "* * " + ",".join(map(str, sorted(d)))),
    st.integers(1, 31).map(lambda day: f"{day} * *"),
)


@given(shape=_SHAPES, hour=st.integers(0, 23), minute=st.integers(0, 59), lang=st.sampled_from(["fr", "en"]))
def test_what_the_bot_writes_reads_back_to_the_same_rule(shape, hour, minute, lang):
    """« tous les lundis et jeudis à 18:30 » typed back into `every=` is the rule it describes."""
    cron = f"{minute} {hour} {shape}"
    sentence = describe_cron(cron, lang, Catalogue.shipped())
    back = Cron.parse(readable_to_cron(sentence))
    expected = Cron.parse(cron)
    assert (back.minutes, back.hours, back.days, back.weekdays) == (
        expected.minutes, expected.hours, expected.days, expected.weekdays), sentence


@pytest.mark.parametrize("key", ["calendar.option.every", "calendar.recurrence.day_time",
                                 "calendar.recurrence.monthly"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_example_the_bot_gives_is_one_it_reads(key, lang):
    import re

    text = Catalogue.shipped().string(lang, key)
    examples = re.findall(r"«\u00a0([^»]+)\u00a0»|“([^”]+)”", text)
    quoted = [a or b for a, b in examples if (a or b) != "every"]
    assert quoted, text
    for example in quoted:
        readable_to_cron(example)
