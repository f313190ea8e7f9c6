"""Reading GA4, Matomo and Plausible exports: recognised from the header, all or nothing, the same figures from
the same traffic whichever tool exported it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.traffic.export_text import describe
from handlers.traffic.exports import ExportError, VisitRow, combine, parse_export, read_export
from handlers.traffic.visits import by_source_campaign, coverage, replace_days, totals
from tests.traffic.conftest import DATA

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEK45 = [date(2026, 11, 2) + timedelta(days=i) for i in range(7)]
WEEK46 = [date(2026, 11, 9) + timedelta(days=i) for i in range(7)]
FILES = {"ga4": "ga4_2026-W45-W46.csv", "matomo": "matomo_2026-W45-W46.csv",
         "plausible": "plausible_2026-W45-W46.csv"}


def test_each_export_is_recognised_from_its_header():
    for origin, name in FILES.items():
        found, rows = read_export(DATA / name)
        assert found == origin
        assert rows and all(isinstance(r, VisitRow) for r in rows)


def test_the_same_weeks_give_the_same_figures_from_ga4_matomo_and_plausible(tmp_path):
    """The done-when check: three tools' exports of the same two weeks, imported into three stores."""
    from bot.store import Store
    from bot.store.migrations import apply_all
    from handlers.traffic.migrations import migrations

    figures = {}
    for origin, name in FILES.items():
        store = Store.open(tmp_path / f"{origin}.db")
        apply_all(store.db, [migrations])
        _, rows = read_export(DATA / name)
        replace_days(store.db, "brand", rows, origin, "file", NOW)
        figures[origin] = [
            (totals(store.db, "brand", week, ["discord", "slack"]),
             totals(store.db, "brand", week),
             by_source_campaign(store.db, "brand", week, ["discord", "slack"]),
             coverage(store.db, "brand", week).complete)
            for week in (WEEK45, WEEK46)
        ]
        store.close()
    assert figures["ga4"] == figures["matomo"] == figures["plausible"]
    community_w45 = figures["ga4"][0][0]
    assert community_w45.visits > 0 and community_w45.conversions is not None
    assert figures["ga4"][0][3] and figures["ga4"][1][3]


def test_reimporting_never_doubles_and_an_overlap_replaces_its_days(traffic_store):
    db = traffic_store.db
    _, rows = read_export(DATA / FILES["ga4"])
    first = replace_days(db, "brand", rows, "ga4", "file", NOW)
    before = totals(db, "brand", WEEK45 + WEEK46)
    week45 = totals(db, "brand", WEEK45)
    again = replace_days(db, "brand", rows, "ga4", "file", NOW)
    assert totals(db, "brand", WEEK45 + WEEK46) == before
    assert first.replaced_days == 0 and again.replaced_days == 14
    # A later export of week 46 only, with other figures: week 45 stays, week 46 is replaced, not added to.
    week46 = [VisitRow(d, "discord", "community", "lancement", 10, 1) for d in WEEK46]
    replace_days(db, "brand", week46, "matomo", "file", NOW)
    assert totals(db, "brand", WEEK46).visits == 70
    assert totals(db, "brand", WEEK45) == week45 != totals(db, "brand", WEEK46)  # untouched
    assert coverage(db, "brand", WEEK46).origins == (("matomo", "file"),)


def test_a_day_without_rows_inside_the_span_is_known_and_empty(traffic_store):
    rows = [VisitRow(date(2026, 11, 2), "discord", "", "x", 5, 0),
            VisitRow(date(2026, 11, 8), "discord", "", "x", 7, 1)]
    replace_days(traffic_store.db, "brand", rows, "plausible", "file", NOW)
    known = coverage(traffic_store.db, "brand", WEEK45)
    assert known.complete and known.days_known == 7


def test_unknown_header_lists_every_expected_layout():
    with pytest.raises(ExportError) as caught:
        parse_export("Day,Where,Hits\n2026-11-02,x,3\n")
    message = describe(caught.value, "en")
    assert "'Day', 'Where', 'Hits'" in message
    for expected in ("GA4:", "Session source / medium", "Sessions", "Key events", "Matomo:", "Campaign Source",
                     "nb_visits", "Plausible:", "utm_source", "visits"):
        assert expected in message


def test_one_bad_line_rejects_the_file_with_every_problem_listed(traffic_store):
    text = ("Date,Session source / medium,Session campaign,Sessions,Key events\n"
            "20261102,discord / community,a,10,1\n"
            "2026-13-40,discord / community,a,10,1\n"
            "20261103,discord / community,a,ten,1\n"
            "20261104,discord / community,a,10,1.5\n"
            "20261105,discord / community,a,-3,0\n")
    with pytest.raises(ExportError) as caught:
        parse_export(text)
    message = describe(caught.value, "en")
    assert "4 bad lines, nothing imported" in message
    for fragment in ("line 3:", "is not a date", "line 4:", "'ten' is not a number", "line 5:", "'1.5' is not a whole",
                     "line 6:"):
        assert fragment in message


def test_short_line_is_an_error_not_a_crash():
    with pytest.raises(ExportError) as caught:
        parse_export("date,utm_source,utm_campaign,visits\n2026-11-02,discord\n")
    assert "line 2: column 3 is missing" in describe(caught.value, "en")


def test_totals_line_bom_semicolons_grouped_numbers_and_not_set_values():
    text = ("\ufeffDate;Session source;Session medium;Session campaign;Sessions;Conversions\n"
            "20261102;Discord;community;(not set);1,234;12\n"
            "Grand total;;;;1,234;12\n")
    origin, rows = parse_export(text)
    assert origin == "ga4"
    assert rows == [VisitRow(date(2026, 11, 2), "discord", "community", "", 1234, 12)]


def test_plausible_export_without_conversions_keeps_them_unknown(traffic_store):
    text = "date,utm_source,utm_medium,utm_campaign,visits\n2026-11-02,discord,community,a,40\n"
    origin, rows = parse_export(text)
    assert origin == "plausible" and rows[0].conversions is None
    replace_days(traffic_store.db, "brand", rows, origin, "file", NOW)
    found = totals(traffic_store.db, "brand", WEEK45, ["discord"])
    assert found.visits == 40 and found.conversions is None and found.conversion_rate is None


def test_empty_and_header_only_files_are_refused():
    with pytest.raises(ExportError) as empty:
        parse_export("\n\n")
    assert describe(empty.value, "en") == "The file is empty."
    with pytest.raises(ExportError) as header_only:
        parse_export("date,utm_source,utm_campaign,visits\n")
    assert describe(header_only.value, "fr") == "Le fichier a un en-tête mais aucune ligne de données."


# -- the three layouts agree on any traffic -----------------------------------------------------------------
LABEL = st.sampled_from(["discord", "slack", "instagram", "newsletter", "google", ""])
CAMPAIGN = st.sampled_from(["lancement", "noel", "cmbot", ""])
ROW = st.builds(
    VisitRow,
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    source=LABEL, medium=st.sampled_from(["community", "social", ""]), campaign=CAMPAIGN,
    visits=st.integers(0, 100_000), conversions=st.integers(0, 5_000),
)


def _ga4(rows: list[VisitRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("# GA4\n#\n")
    writer.writerow(["Date", "Session source / medium", "Session campaign", "Sessions", "Key events"])
    for r in rows:
        writer.writerow([r.day.strftime("%Y%m%d"), f"{r.source or '(direct)'} / {r.medium or '(none)'}",
                         r.campaign or "(not set)", f"{r.visits:,}", r.conversions])
    return out.getvalue()


def _matomo(rows: list[VisitRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t")
    writer.writerow(["date", "Campaign Source", "Campaign Medium", "Campaign Name", "nb_visits", "nb_conversions"])
    for r in reversed(rows):
        writer.writerow([r.day.isoformat(), r.source.upper() or "-", r.medium or "-", r.campaign or "-", r.visits,
                         r.conversions])
    return out.getvalue()


def _plausible(rows: list[VisitRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "source", "utm_source", "utm_medium", "utm_campaign", "utm_content", "visits",
                     "conversions"])
    for r in rows:  # each row split in two by utm_content, as Plausible's export does
        half, half_conversions = r.visits // 2, (r.conversions or 0) // 2
        writer.writerow([r.day.isoformat(), "x", r.source, r.medium, r.campaign, "a", half, half_conversions])
        writer.writerow([r.day.isoformat(), "x", r.source, r.medium, r.campaign, "b", r.visits - half,
                         (r.conversions or 0) - half_conversions])
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=25))
def test_any_traffic_reads_the_same_from_the_three_layouts(rows):
    expected = combine(rows)  # the naive reference: sum by key
    for render, name in ((_ga4, "ga4"), (_matomo, "matomo"), (_plausible, "plausible")):
        origin, parsed = parse_export(render(rows))
        assert origin == name
        assert combine(parsed) == expected
