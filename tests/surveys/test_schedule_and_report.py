"""A survey scheduled for later starts on its own (restarts included); the weekly report shows the week's
scores with their margins and answer counts, week over week, and nothing below the minimum."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from bot.clock import SimulatedClock
from handlers.surveys.messages import score_id
from schedules.report.builder import build_report
from schedules.report.render import report_cards
from schedules.report.weeks import IsoWeek


async def test_a_scheduled_dm_survey_starts_at_its_time_across_a_restart(make_world):
    world = await make_world()
    await world.say("alice")
    answers = await world.command("sam", "survey new kind=nps where=dm start=2026-11-24T18:00", roles=("smm",))
    assert answers[0].startswith("Survey #1 is scheduled: it starts on November 24, 2026 at 6:00")
    assert world.dms() == []
    at = world.clock.now() + timedelta(hours=31, minutes=30)  # 16:30 UTC on the 24th
    await world.stop()
    world = await make_world(clock=SimulatedClock(at))
    assert world.dms() == []  # 18:00 in Paris is 17:00 UTC: not yet
    await world.advance(timedelta(hours=1))
    assert [dm.member_id for dm in world.dms()] == ["alice"]
    status = world.db.execute("SELECT status, closes_at - starts_at FROM surveys").fetchone()
    assert status == ("open", 7 * 86_400)


async def test_bad_start_and_days_are_refused_and_nothing_is_created(make_world):
    world = await make_world(locale="fr")
    refused = await world.command("sam", "survey new kind=nps start=hier", roles=("smm",))
    assert refused == ["«\u00a0hier\u00a0» n’est pas une date et une heure à venir. Écrivez-la comme 2026-12-01T10:00 "
                       "(heure locale)."]
    refused = await world.command("sam", "survey new kind=nps days=0", roles=("smm",))
    assert "de 1 à 60 jours, pas 0" in refused[0]
    refused = await world.command("alice", "survey new kind=nps")
    assert "SMM" in refused[0] and "CM" in refused[0]
    assert world.db.execute("SELECT count(*) FROM surveys").fetchone() == (0,)


async def _answer(world, survey_id: int, scores: dict[str, int]) -> None:
    for member, score in scores.items():
        await world.click(member, score_id(survey_id, score))


async def test_the_report_shows_the_week_scores_with_margins_and_never_below_the_minimum(make_world):
    world = await make_world()
    await world.command("sam", "survey new kind=nps days=30", roles=("smm",))  # survey 1, posted in #general
    await world.command("sam", "survey new kind=csat days=30", roles=("smm",))  # survey 2
    # week 48 (23–29 November): five NPS answers (2 promoters, 1 passive, 2 detractors), three CSAT answers
    await _answer(world, 1, {"a": 10, "b": 9, "c": 8, "d": 3, "e": 0})
    await _answer(world, 2, {"a": 5, "b": 4, "c": 1})
    await world.click("e", score_id(1, 6))  # e changes her mind: still a detractor, and still one answer
    world.clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))  # week 49
    await _answer(world, 1, {"f": 10, "g": 10, "h": 9, "i": 7, "j": 2, "a": 9})  # a's change moves to week 49
    await _answer(world, 2, {"d": 4, "e": 5, "f": 4, "g": 2, "h": 5})
    community = world.app.services.settings.communities[0]
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    report = await world.app.services.store.run(lambda db: build_report(db, community, IsoWeek(2026, 49), now))
    numbers, previous = report.overall.numbers, report.overall.previous
    assert previous["nps_answers"] == 4 and previous["nps"] is None  # a moved to week 49: 4 < 5
    assert previous["csat_answers"] == 3 and previous["csat"] is None
    assert numbers["nps_answers"] == 6
    assert math.isclose(numbers["nps"], 100 * (4 - 1) / 6)  # promoters f g h a, detractor j
    signs = [1, 1, 1, 0, -1, 1]
    mean = sum(signs) / 6
    variance = sum((s - mean) ** 2 for s in signs) / 6
    assert math.isclose(numbers["nps_margin"], 100 * 1.959963984540054 * math.sqrt(variance / 6))
    assert numbers["csat_answers"] == 5 and numbers["csat"] == 0.8
    assert numbers["csat_low"] < 0.8 < numbers["csat_high"] <= 1

    text = "\n".join(f.value.plain() for card in report_cards(report, "console", world.app.services.catalogue)
                     for f in card.fields if f.name.startswith("Satisfaction"))
    assert "NPS: +50 ± " in text and "6 answers (n/a)" in text  # no score last week: no change to show
    assert "CSAT: 80% satisfied (" in text and "5 answers (n/a)" in text
    assert "alice" not in text and "Great" not in text


async def test_the_report_says_too_few_and_none(make_world):
    world = await make_world(locale="fr")
    await world.command("sam", "survey new kind=nps", roles=("smm",))
    await _answer(world, 1, {"a": 10, "b": 9})
    community = world.app.services.settings.communities[0]
    now = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    report = await world.app.services.store.run(lambda db: build_report(db, community, IsoWeek(2026, 48), now))
    text = "\n".join(f.value.plain() for card in report_cards(report, "console", world.app.services.catalogue)
                     for f in card.fields if f.name.startswith("Satisfaction"))
    assert "NPS\u00a0: 2\u00a0réponses, trop peu pour un score (il en faut 5)" in text
    assert "CSAT\u00a0: aucune réponse cette semaine" in text


def test_the_report_figures_equal_the_naive_reference_on_a_history_with_answers():
    """The report's reference model (tests/report) knows survey answers: a hand-made history whose every score
    is shown, changed, opted out, forgotten and split by platform, played through the real bot."""
    from schedules.report.weeks import IsoWeek
    from tests.report import reference as ref
    from tests.report.history import STARTS, History, Step
    from tests.report.test_reference import check

    start = int(STARTS[0].timestamp()) + 3600
    steps = [Step(time=start + i * 600, kind="answer", at=start + i * 600, platform=platform, member=member,
                  extra=(kind, score))
             for i, (platform, member, kind, score) in enumerate([
                 ("discord", "d1", "nps", 10), ("discord", "d2", "nps", 3), ("discord", "d3", "nps", 9),
                 ("slack", "s1", "nps", 7), ("slack", "s2", "nps", 0), ("discord", "d1", "csat", 5),
                 ("discord", "d2", "csat", 2), ("slack", "s1", "csat", 4), ("discord", "d2", "nps", 10)])]
    steps.append(Step(time=start + 7200, kind="opt_out", platform="slack", member="s2"))
    steps.append(Step(time=start + 7300, kind="answer", at=start + 7300, platform="slack", member="s2",
                      extra=("csat", 5)))  # opted out: not recorded
    steps.append(Step(time=start + 8000, kind="forget", platform="discord", member="d3"))
    steps.append(Step(time=start + 8 * 86_400, kind="report"))
    steps.append(Step(time=start + 8 * 86_400 + 60, kind="answer", at=start + 8 * 86_400 + 60, platform="slack",
                      member="s1", extra=("nps", 9)))  # next week: moves s1's answer out of the first week
    week = IsoWeek.containing(STARTS[0], ref.TZ)
    check(History(STARTS[0], steps, week.shift(1)), formats=True)
    check(History(STARTS[0], steps[:-1], week), formats=True)
