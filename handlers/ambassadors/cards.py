"""The candidate card the CMs decide on, and the same card once decided (no buttons, the decision written).

Members' names are `Plain` values of safe templates: adapters escape them, they never ping anyone and never
reach `str.format`. Button ids are `amb:accept:<candidate id>` and `amb:later:<candidate id>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlite_utils

from bot.actions import Button, ButtonStyle, Content, Field
from bot.i18n import Catalogue
from bot.text import Text
from config.settings import Community
from handlers.ambassadors.records import Account, Candidate

PLATFORM_NAMES = {"discord": "Discord", "slack": "Slack", "console": "Console"}


def display_names(db: sqlite_utils.Database, community: str, accounts: Iterable[Account]) -> dict[Account, str]:
    """The names members go by (the core members table), their id when unknown."""
    names: dict[Account, str] = {}
    for platform, member_id in accounts:
        row = db.execute("SELECT display_name FROM members WHERE community = ? AND platform = ? AND member_id = ?",
                         [community, platform, member_id]).fetchone()
        names[(platform, member_id)] = row[0] if row and row[0] else member_id
    return names


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


def _fields(candidate: Candidate, community: Community, catalogue: Catalogue) -> tuple[Field, ...]:
    locale, figures = community.locale, candidate.figures
    say = catalogue.string
    weeks = community.ambassadors.lookback_weeks
    return (
        Field(say(locale, "ambassadors.card.first_responses"), Text.of(str(figures.first_responses))),
        Field(say(locale, "ambassadors.card.helpful_replies"), Text.of(str(figures.helpful_replies))),
        Field(say(locale, "ambassadors.card.feedback"), Text.of(str(figures.feedback))),
        Field(say(locale, "ambassadors.card.active_weeks"),
              catalogue.text(locale, "ambassadors.card.active_weeks_value", active=figures.active_weeks, weeks=weeks)),
        Field(say(locale, "ambassadors.card.score"), Text.of(str(figures.score))),
    )


def _footer(candidate: Candidate, community: Community, catalogue: Catalogue, first: str) -> Text:
    return catalogue.text(community.locale, "ambassadors.card.footer", first=first, last=candidate.week)


def candidate_card(candidate: Candidate, name: str, community: Community, catalogue: Catalogue,
                   first_week: str) -> Content:
    locale = community.locale
    text = Text.of(catalogue.text(locale, "ambassadors.card.intro", name=name), " (",
                   catalogue.text(locale, "ambassadors.card.where", platform=platform_name(candidate.account[0])), ")")
    buttons = (
        Button(f"amb:accept:{candidate.id}", catalogue.string(locale, "ambassadors.button.accept"),
               ButtonStyle.SUCCESS),
        Button(f"amb:later:{candidate.id}", catalogue.string(locale, "ambassadors.button.later")),
    )
    return Content(text=text, title=catalogue.text(locale, "ambassadors.card.title", name=name),
                   fields=_fields(candidate, community, catalogue),
                   footer=_footer(candidate, community, catalogue, first_week), buttons=buttons)


def decided_card(candidate: Candidate, name: str, community: Community, catalogue: Catalogue, first_week: str,
                 decision: str, who: str, at: datetime) -> Content:
    """The card once decided: what was decided, by whom and when; the figures kept for the record."""
    locale = community.locale
    when = at.astimezone(community.tz)
    text = catalogue.text(locale, f"ambassadors.decided.{decision}", who=who, when=when)
    return Content(text=text, title=catalogue.text(locale, "ambassadors.card.title", name=name),
                   fields=_fields(candidate, community, catalogue),
                   footer=_footer(candidate, community, catalogue, first_week))


def first_week_of(candidate: Candidate, community: Community) -> str:
    """The first week of the candidate's look-back period (its round names the last one)."""
    year, week = candidate.week.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1) - timedelta(weeks=community.ambassadors.lookback_weeks - 1)
    first_year, first_week, _ = monday.isocalendar()
    return f"{first_year}-W{first_week:02d}"
