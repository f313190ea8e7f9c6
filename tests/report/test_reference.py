"""Every figure of the weekly report, in every format, equals the naive reference on generated histories.

Hypothesis generates histories (joins, leaves, re-joins, messages, replies, reactions and their removal, edits,
deletions, calendar posts, flags and decisions, forget-me, opt-out and opt-in, linked accounts, two platforms,
weeks across both daylight-saving changes, late and out-of-order events, restarts, and the buffer flush, the
nightly upkeep and reports at any moment). Each report built along the way, and a final one, is compared with
`tests.report.reference`; the final one also in text, Markdown, JSON, CSV, Discord embeds and Slack blocks.
Examples Hypothesis once found are kept below as `@example`s and as plain tests.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import math

from hypothesis import example, given, settings

from bot.platforms.discord import render as discord_render
from bot.platforms.slack import render as slack_render
from schedules.report.builder import METRICS, ScopeFigures, WeeklyReport
from schedules.report.export import export
from schedules.report.render import SECTIONS, figure_line, report_cards
from schedules.report.weeks import IsoWeek
from tests.report import reference as ref
from tests.report.history import CATALOGUE, STARTS, Bot, History, Model, Step, histories, ordered, template_database

TEMPLATE = template_database()


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        return left is not None and right is not None and math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    return left == right


def _ranked(items) -> list[tuple[str, str, int]]:
    return [(i.platform, i.ref, i.value) for i in items]


def assert_matches(report: WeeklyReport, expected: ref.Report, when: str) -> None:
    for scope, (platform, numbers, previous, lists) in zip(report.scopes, expected.scopes, strict=True):
        assert scope.platform == platform
        for key, value in numbers.items():
            assert _same(scope.numbers.get(key), value), (when, platform, key, scope.numbers.get(key), value)
        for key, value in previous.items():
            assert _same(scope.previous.get(key), value), (when, platform, "previous", key, scope.previous.get(key),
                                                          value)
        for name, items in lists.items():
            assert _ranked(scope.lists[name]) == items, (when, platform, name)
    assert [(p.day, p.active_members, p.messages) for p in report.daily] == expected.daily, when
    assert report.advice.kind == expected.advice, when


def _expected_scope(report: WeeklyReport, expected: ref.Report, index: int) -> ScopeFigures:
    platform, numbers, previous, _ = expected.scopes[index]
    return ScopeFigures(platform, numbers, previous, report.scopes[index].lists)


def _normalise(text: str) -> str:
    return text.replace("\\", "").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def assert_every_format(report: WeeklyReport, expected: ref.Report) -> None:
    """The figures as shown: JSON and CSV hold the reference's values; text, Markdown, Discord embeds and Slack
    blocks show each figure's line (value and week-over-week change) as the reference's values make it."""
    payload = json.loads(export(report, "json", CATALOGUE))
    for scope, (platform, numbers, previous, lists) in zip(payload["scopes"], expected.scopes, strict=True):
        assert scope["platform"] == (platform or "all")
        for key in METRICS:
            assert _same(scope["figures"][key], numbers[key]), ("json", platform, key)
            assert _same(scope["previous_week"][key], previous[key]), ("json", platform, key)
        for name, items in lists.items():
            assert [(i["platform"], i["id"], i["value"]) for i in scope["lists"][name]] == items, ("json", name)
    assert [(d["day"], d["active_members"], d["messages"]) for d in payload["daily"]] == [
        (day.isoformat(), active, messages) for day, active, messages in expected.daily]
    assert payload["advice"]["kind"] == expected.advice
    rows = {(r["platform"], r["metric"]): r for r in csv.DictReader(io.StringIO(export(report, "csv", CATALOGUE)))}
    for platform, numbers, previous, _ in expected.scopes:
        for key in METRICS:
            row = rows[(platform or "all", key)]
            for cell, value in ((row["value"], numbers[key]), (row["previous_week"], previous[key])):
                assert (cell == "") == (value is None) and (value is None or _same(float(cell), float(value))), (
                    "csv", platform, key, cell, value)
    locale = report.community.locale
    lines = {index: [figure_line(_expected_scope(report, expected, index), key, locale, CATALOGUE).plain()
                     for section, keys in SECTIONS if section != "moderation" or report.moderation_available
                     for key in keys]
             for index in range(len(report.scopes))}
    for fmt in ("text", "markdown"):
        printed = export(report, fmt, CATALOGUE)
        for index, expected_lines in lines.items():
            for line in expected_lines:
                assert line in printed, (fmt, index, line)
    for platform in ("discord", "slack"):
        by_title: dict[str, list[str]] = {}
        for card in report_cards(report, platform, CATALOGUE):
            if platform == "discord":
                embed = discord_render.render_content(card).embeds[0]
                shown = "\n".join([embed.description or "", *(f.value for f in embed.fields)])
            else:
                shown = json.dumps(slack_render.render_content(card).blocks, ensure_ascii=False)
                shown = json.loads(json.dumps(shown))
            by_title.setdefault(card.title.plain(), []).append(_normalise(shown).replace("\\n", "\n"))
        assert len(by_title) == len(report.scopes)
        for (_, shown), (index, expected_lines) in zip(by_title.items(), lines.items(), strict=True):
            text = "\n".join(shown)
            for line in expected_lines:
                assert line in text, (platform, index, line)


async def _run(history: History, formats: bool) -> None:
    bot, model = Bot(TEMPLATE, history.start), Model()
    try:
        for step in ordered(history):
            await bot.play(step)
            model.play(step)
            if step.kind == "report":
                at, week, report = bot.reports[-1]
                assert_matches(report, ref.report(model.world, week.monday, at), f"report at {at}")
        at = max(history.end, int(bot.clock.now().timestamp()))
        report = await bot.final_report(history.final_week, at)
        expected = ref.report(model.world, history.final_week.monday, at)
        assert_matches(report, expected, "final")
        if formats:
            assert_every_format(report, expected)
    finally:
        await bot.close()


def check(history: History, formats: bool = False) -> None:
    asyncio.run(_run(history, formats))


START = int(STARTS[0].timestamp())
W41 = IsoWeek(2026, 41)


@given(histories())
@example(History(STARTS[0], [], W41))
def test_every_figure_equals_the_reference(history):
    check(history)


# Rendering every format is the slow part: fewer, shorter histories (the profile's budget divided by 8).
@settings(max_examples=max(3, settings().max_examples // 8))
@given(histories(max_steps=25))
def test_every_format_shows_the_reference_figures(history):
    check(history, formats=True)


def test_a_departure_buffered_across_a_bare_rollup_is_counted():
    """The roll-up ran while the leave was still in the buffer (the bug of the console session)."""
    check(History(STARTS[0], [
        Step(time=START + 3600, kind="join", at=START + 3600, platform="discord", member="d1"),
        Step(time=START + 7200, kind="leave", at=START + 7200, platform="discord", member="d1"),
        Step(time=START + 2 * 86_400, kind="rollup"),
        Step(time=START + 2 * 86_400 + 1, kind="flush"),
    ], W41))
