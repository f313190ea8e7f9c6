"""The report's ambassador figures on a history written by hand, against the naive reference and against the
numbers a reader would count: ambassadors at the week's end, the share of first responses they gave (ambassadors
when they answered), and those silent for three weeks. The generated histories of `test_reference` cover the
rest (appointments and removals at any moment, links, forget-me)."""

from __future__ import annotations

import asyncio

from tests.report import reference as ref
from tests.report.history import STARTS, Bot, History, Model, Step, ordered
from tests.report.test_reference import START, TEMPLATE, W41, assert_matches

HOUR, DAY = 3600, 86_400


def step(at: int, kind: str, member: str, platform: str = "discord", **extra) -> Step:
    return Step(time=START + at, kind=kind, at=START + at, platform=platform, member=member, **extra)


def history(*extra: Step) -> History:
    """d1 is appointed on Monday and answers d2 first on Tuesday; d3 answers d2's second question on Wednesday;
    s1 (Slack) is appointed on Wednesday and never says a word."""
    return History(STARTS[0], [
        step(HOUR, "appoint", "d1"),
        step(DAY + 10 * HOUR, "message", "d2", channel="help-d", message_id="q1"),
        step(DAY + 11 * HOUR, "reply", "d1", channel="help-d", message_id="a1", target="q1"),
        step(2 * DAY + 10 * HOUR, "message", "d2", channel="help-d", message_id="q2"),
        step(2 * DAY + 11 * HOUR, "appoint", "s1", platform="slack"),
        step(2 * DAY + 12 * HOUR, "reply", "d3", channel="help-d", message_id="a2", target="q2"),
        *extra,
    ], W41)


def report_of(hist: History):
    async def run():
        bot, model = Bot(TEMPLATE, hist.start), Model()
        try:
            for each in ordered(hist):
                await bot.play(each)
                model.play(each)
            at = hist.end
            report = await bot.final_report(W41, at)
            expected = ref.report(model.world, W41.monday, at)
            assert_matches(report, expected, "final")
            return report
        finally:
            await bot.close()

    return asyncio.run(run())


def figures(report, platform=None) -> tuple:
    scope = next(s for s in report.scopes if s.platform == platform)
    return tuple(scope.numbers[k] for k in ("ambassadors", "ambassador_first_response_share", "ambassadors_slipping"))


def test_ambassadors_their_share_of_first_responses_and_the_silent_ones():
    report = report_of(history())
    assert figures(report) == (2, 0.5, 1)  # d1 and s1; d1 gave one of two first responses; s1 is silent
    assert figures(report, "discord") == (1, 0.5, 0)
    assert figures(report, "slack") == (1, None, 1)  # no question on Slack: no share, not a made-up zero


def test_a_removed_ambassador_still_counts_for_what_they_answered_as_one():
    report = report_of(history(step(3 * DAY, "dismiss", "d1")))
    assert figures(report) == (1, 0.5, 1)


def test_an_answer_before_the_appointment_is_not_an_ambassadors():
    report = report_of(history(step(2 * DAY + 11 * HOUR + 30 * 60, "appoint", "d3")))
    assert figures(report) == (3, 1.0, 1)  # d3 answered half an hour after being appointed
    late = report_of(history(step(2 * DAY + 13 * HOUR, "appoint", "d3")))
    assert figures(late) == (3, 0.5, 1)  # appointed after answering: that answer was not an ambassador's


def test_forget_me_takes_the_ambassador_out_of_the_figures():
    report = report_of(history(step(4 * DAY, "forget", "d1")))
    assert figures(report) == (1, 0.0, 1)  # d1's answer is gone with them; d3's remains
