"""Publish times and recurrences as people write them, in French and English, and recurrences shown in words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Catalogue
from handlers.calendar.dates import AmbiguousWhen, UnreadableWhen, read_day, read_when
from handlers.calendar.describe import describe_cron
from handlers.calendar.drafting import read_schedule
from handlers.calendar.recurrence import readable_to_cron

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)  # Monday 23 November 2026, 09:00 in Paris


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("demain 10h", "fr", datetime(2026, 11, 24, 10, 0)),
    ("lundi prochain 9h", "fr", datetime(2026, 11, 30, 9, 0)),
    ("le 3 décembre à 18h30", "fr", datetime(2026, 12, 3, 18, 30)),
    ("24/11/2026 10:00", "fr", datetime(2026, 11, 24, 10, 0)),
    ("03/04/2027 10:00", "fr", datetime(2027, 4, 3, 10, 0)),  # day first in French: not ambiguous
    ("mardi à 9h", "fr", datetime(2026, 11, 24, 9, 0)),
    ("jeudi 18h", "fr", datetime(2026, 11, 26, 18, 0)),
    ("après-demain midi", "fr", datetime(2026, 11, 25, 12, 0)),
    ("aujourd’hui 18h", "fr", datetime(2026, 11, 23, 18, 0)),
    ("le 1er janvier 2027 à 10h", "fr", datetime(2027, 1, 1, 10, 0)),
    ("3 déc. 18h30", "fr", datetime(2026, 12, 3, 18, 30)),
    ("2026-12-01 09:00", "fr", datetime(2026, 12, 1, 9, 0)),
    ("tomorrow 10am", "en", datetime(2026, 11, 24, 10, 0)),
    ("next monday 9am", "en", datetime(2026, 11, 30, 9, 0)),
    ("december 3rd at 6:30pm", "en", datetime(2026, 12, 3, 18, 30)),
    ("11/24/2026 10:00", "en", datetime(2026, 11, 24, 10, 0)),
    ("24/11/2026 10:00", "en", datetime(2026, 11, 24, 10, 0)),  # only one reading exists
    ("today 3pm", "en", datetime(2026, 11, 23, 15, 0)),
    ("12am tomorrow", "en", datetime(2026, 11, 24, 0, 0)),
])
def test_dates_as_people_write_them(text, lang, expected):
    assert read_when(text, "Europe/Paris", MONDAY, lang) == expected.replace(tzinfo=PARIS)


def test_a_date_past_this_year_means_next_year():
    assert read_when("le 3 janvier à 10h", "Europe/Paris", MONDAY, "fr") == datetime(2027, 1, 3, 10, tzinfo=PARIS)


@pytest.mark.parametrize(("text", "first", "second"), [
    ("03/04/2027 10:00", datetime(2027, 3, 4, 10), datetime(2027, 4, 3, 10)),
    ("tomorrow at 9", datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 21)),
])
def test_ambiguous_english_gives_both_readings(text, first, second):
    with pytest.raises(AmbiguousWhen) as caught:
        read_when(text, "Europe/Paris", MONDAY, "en")
    assert caught.value.readings == (first.replace(tzinfo=PARIS), second.replace(tzinfo=PARIS))


@pytest.mark.parametrize("text", ["demain", "n'importe quoi 10h", "31/02/2027 10h", "25h", "le 3 truc à 10h", ""])
def test_unreadable_times_are_refused(text):
    with pytest.raises(UnreadableWhen):
        read_when(text, "Europe/Paris", MONDAY, "fr")


def test_an_end_date_in_words():
    assert read_day("30/06/2027", "Europe/Paris", MONDAY, "fr") == date(2027, 6, 30)
    assert read_day("30 juin", "Europe/Paris", MONDAY, "fr") == date(2027, 6, 30)
    assert read_day("june 30, 2027", "Europe/Paris", MONDAY, "en") == date(2027, 6, 30)


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31)),
       st.sampled_from(["fr", "en"]))
def test_any_written_day_and_time_reads_back(moment, lang):
    """A naive reference: the digits we print are the date we read, in both languages."""
    moment = moment.replace(second=0, microsecond=0)
    written = f"{moment:%d/%m/%Y %H:%M}" if lang == "fr" else f"{moment:%Y-%m-%d %H:%M}"
    got = read_when(written, "Europe/Paris", datetime(2025, 1, 1, tzinfo=UTC), lang)
    assert got.replace(tzinfo=None) == moment or got.utcoffset() != moment.replace(tzinfo=PARIS).utcoffset()


def test_a_missing_or_ambiguous_at_becomes_a_problem_naming_both_readings():
    _, problems = read_schedule({"at": "03/04/2027 10:00"}, "Europe/Paris", now=MONDAY, locale="en")
    [problem] = problems
    assert problem.key == "calendar.invalid.at_ambiguous"
    text = Catalogue.shipped().string("en", problem.key, **problem.values)
    assert "March 4" in text and "April 3" in text
    values, problems = read_schedule({"at": "demain 10h"}, "Europe/Paris", now=MONDAY, locale="fr")
    assert problems == [] and values["publish_at"] == datetime(2026, 11, 24, 10, tzinfo=PARIS)


@pytest.mark.parametrize(("text", "cron"), [
    ("every monday 9am", "0 9 * * 1"),
    ("every monday at 9am", "0 9 * * 1"),
    ("tous les lundis à 9h", "0 9 * * 1"),
    ("chaque jeudi 18h30", "30 18 * * 4"),
    ("tous les jours 8h", "0 8 * * *"),
    ("every day at 6pm", "0 18 * * *"),
    ("every weekday 9am", "0 9 * * 1-5"),
])
def test_recurrences_as_people_write_them(text, cron):
    assert readable_to_cron(text) == cron


@pytest.mark.parametrize(("cron", "fr", "en"), [
    ("0 9 * * 1", "tous les lundis à 09:00", "every Monday at 09:00"),
    ("0 18 * * 4", "tous les jeudis à 18:00", "every Thursday at 18:00"),
    ("30 18 * * 1,4", "tous les lundis et jeudis à 18:30", "every Monday and Thursday at 18:30"),
    ("0 9 * * 1-5", "du lundi au vendredi à 09:00", "every weekday at 09:00"),
    ("0 8 * * *", "tous les jours à 08:00", "every day at 08:00"),
    ("0 10 1 * *", "le 1er de chaque mois à 10:00", "on the 1st of every month at 10:00"),
    ("0 9,18 * * 0", "tous les dimanches à 09:00 et 18:00", "every Sunday at 09:00 and 18:00"),
    ("0 10 15 1,7 *", "le 15 de chaque mois à 10:00, en janvier et juillet",
     "on the 15th of every month at 10:00, in January and July"),
])
def test_every_recurrence_reads_as_a_sentence(cron, fr, en):
    catalogue = Catalogue.shipped()
    assert describe_cron(cron, "fr", catalogue) == fr
    assert describe_cron(cron, "en", catalogue) == en


@given(st.lists(st.integers(0, 59), min_size=1, max_size=3), st.lists(st.integers(0, 23), min_size=1, max_size=3),
       st.lists(st.integers(0, 6), min_size=1, max_size=7))
def test_no_recurrence_shows_cron_syntax(minutes, hours, weekdays):
    cron = f"{','.join(map(str, minutes))} {','.join(map(str, hours))} * * {','.join(map(str, weekdays))}"
    for lang in ("fr", "en"):
        sentence = describe_cron(cron, lang, Catalogue.shipped())
        assert "*" not in sentence and cron not in sentence
