"""The report's satisfaction section: one line per score, with its margin, its number of answers and its change
from the week before; never a member's answer or comment (the figures hold none)."""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.actions import Field
from bot.i18n import Catalogue
from bot.text import Text, join
from schedules.report.builder import ScopeFigures, WeeklyReport


def _signed(value: float, locale: str) -> str:
    rounded = round(value)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "")
    return sign + format_decimal(abs(rounded), locale=locale)


def _change(scope: ScopeFigures, key: str, scale: float, locale: str, catalogue: Catalogue) -> str:
    change = scope.change(key)
    if change is None:
        return catalogue.string(locale, "report.na")
    points = round(change * scale)
    sign = "+" if points > 0 else ("−" if points < 0 else "±")
    return sign + catalogue.string(locale, "report.points", value=format_decimal(abs(points), locale=locale))


def _line(scope: ScopeFigures, kind: str, minimum: int, locale: str, catalogue: Catalogue) -> Text:
    count = int(scope.numbers.get(f"{kind}_answers") or 0)
    label = kind.upper()
    if count == 0:
        return catalogue.text(locale, "surveys.report.none", label=label)
    if scope.numbers.get(kind) is None:
        return catalogue.text(locale, "surveys.report.too_few", label=label, count=count, minimum=minimum)
    if kind == "nps":
        return catalogue.text(locale, "surveys.report.nps", score=_signed(float(scope.numbers["nps"] or 0), locale),
                              margin=round(float(scope.numbers["nps_margin"] or 0)), count=count,
                              change=_change(scope, "nps", 1, locale, catalogue))
    return catalogue.text(locale, "surveys.report.csat", share=round(100 * float(scope.numbers["csat"] or 0)),
                          low=round(100 * float(scope.numbers["csat_low"] or 0)),
                          high=round(100 * float(scope.numbers["csat_high"] or 0)), count=count,
                          change=_change(scope, "csat", 100, locale, catalogue))


def satisfaction_lines(report: WeeklyReport, scope: ScopeFigures, catalogue: Catalogue) -> list[Text]:
    locale, minimum = report.community.locale, report.community.surveys.report_min_answers
    return [_line(scope, kind, minimum, locale, catalogue) for kind in ("nps", "csat")]


def satisfaction_field(report: WeeklyReport, scope: ScopeFigures, catalogue: Catalogue) -> Field:
    name = catalogue.string(report.community.locale, "surveys.report.section")
    return Field(name, join(satisfaction_lines(report, scope, catalogue)), inline=False)
