"""Building the weekly report: every metric for one ISO week and the week before, for all platforms together and
for each apart, plus the daily series of the chart and the advice.

Runs on the store's thread (`store.run(lambda db: build_report(db, …))`). It first brings the roll-ups it reads
up to date (final periods are never recomputed), then asks each metric family for its figures.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlite_utils

from config.settings import Community
from handlers.engagement import membership
from handlers.engagement.migrations import DAILY_ACTIVE, REPORT_FIGURES
from handlers.engagement.presence import Progress, advance
from schedules.report import (
    regulars,
    week_ambassadors,
    week_counts,
    week_helpfulness,
    week_responses,
    week_slipping,
)
from schedules.report.advice import Advice
from schedules.report.cohorts import Cohort, campaign_cohorts
from schedules.report.conversion import recommend
from schedules.report.metrics import Number, Ranked, Scope
from schedules.report.metrics.activity import (
    REGULAR_WINDOW_WEEKS,
    activity,
    silent_weeks,
    top_channels,
)
from schedules.report.metrics.feedback import feedback
from schedules.report.metrics.growth import growth
from schedules.report.metrics.moderation import moderation
from schedules.report.metrics.newcomers import newcomers
from schedules.report.metrics.people import identify, identities_of, opted_out_accounts, staff_accounts
from schedules.report.metrics.polls import polls
from schedules.report.metrics.posts import posts
from schedules.report.metrics.satisfaction import satisfaction
from schedules.report.rollups import FINAL_GRACE_SECONDS, ensure_days, ensure_weeks
from schedules.report.traffic import TrafficFigures, traffic_figures
from schedules.report.weeks import IsoWeek

log = logging.getLogger(__name__)
CHART_WEEKS = 8
# The order in which figures are shown and exported.
METRICS = (
    "joined", "left", "net_growth", "members_at_start", "members", "growth_rate",
    "active_members", "active_share", "messages", "replies", "reactions",
    "newcomers", "newcomer_activation", "recent_newcomers", "newcomer_retention",
    "help_questions", "first_response_median_s", "first_response_p90_s", "unanswered_24h_share",
    "slipping_away", "feedback", "feedback_idea", "feedback_bug", "feedback_praise", "feedback_complaint",
    "feedback_unsorted", "feedback_acknowledged_share", "feedback_ack_median_s", "feedback_close_median_s",
    "feedback_oldest_open_s", "polls_closed", "poll_votes", "poll_voters",
    "nps", "nps_margin", "nps_answers", "csat", "csat_low", "csat_high", "csat_answers",
    "posts_published", "post_reactions_24h", "post_replies_24h", "post_members_24h",
    "post_reactions_7d", "post_replies_7d", "post_members_7d", "posts_scheduled_next_week",
    "flags_raised", "flags_decided", "decision_median_s", "moderation_actions",
    "ambassadors", "ambassador_first_response_share", "ambassadors_slipping",
)


@dataclass(frozen=True)
class ScopeFigures:
    platform: str | None
    numbers: dict[str, Number]
    previous: dict[str, Number]
    lists: dict[str, list[Ranked]]

    def change(self, key: str) -> Number:
        now, before = self.numbers.get(key), self.previous.get(key)
        if now is None or before is None:
            return None
        return now - before


@dataclass(frozen=True)
class DailyPoint:
    day: date
    active_members: int
    messages: int


@dataclass(frozen=True)
class WeeklyReport:
    community: Community
    week: IsoWeek
    built_at: datetime
    scopes: list[ScopeFigures]
    advice: Advice
    daily: list[DailyPoint] = field(default_factory=list)
    moderation_available: bool = False
    late: bool = False
    traffic: TrafficFigures | None = None  # None: no traffic data loaded for these weeks
    cohorts: list[Cohort] = field(default_factory=list)

    @property
    def overall(self) -> ScopeFigures:
        return self.scopes[0]


def _numbers(db: sqlite_utils.Database, scope: Scope,
             answered: week_responses.AnsweredSinceMemo) -> tuple[dict[str, Number], dict[str, list[Ranked]]]:
    """Every figure and list of one scope: the one place where the report's figures are put together
    (`answered`: what the report's scopes share of the log since the last roll-up)."""
    who = identify(db, scope)
    members = week_counts.week_counts(db, scope, who)
    hidden = identities_of(opted_out_accounts(db, scope.community.id), who)
    staff = identities_of(staff_accounts(db, scope.community.id), who)
    numbers: dict[str, Number] = {}
    numbers |= growth(members)
    numbers |= activity(db, scope, members)
    numbers |= newcomers(members)
    responses = week_responses.read(db, scope, answered)
    numbers |= week_responses.response_figures(db, scope, responses)
    numbers |= feedback(db, scope)
    numbers |= moderation(db, scope)
    numbers |= satisfaction(db, scope)
    numbers |= week_ambassadors.appointed(db, scope, who, responses)
    slipping_count, slipping = week_slipping.slipping(db, scope, who, hidden)
    numbers["slipping_away"] = slipping_count
    post_numbers, post_lists = posts(db, scope)
    numbers |= post_numbers
    poll_numbers, poll_lists = polls(db, scope)
    numbers |= poll_numbers
    lists = {
        "top_channels": top_channels(db, scope),
        "top_contributors": week_helpfulness.top_contributors(db, scope, who, hidden | staff),
        "slipping": slipping,
        **post_lists,
        **poll_lists,
    }
    return numbers, lists


def _daily(db: sqlite_utils.Database, community: Community, week: IsoWeek) -> list[DailyPoint]:
    first = week.shift(-(CHART_WEEKS - 1)).monday
    days = [d for w in range(CHART_WEEKS) for d in week.shift(-(CHART_WEEKS - 1) + w).days()]
    rows = db.execute(
        f"SELECT day, sum(active_members), sum(posts) FROM {DAILY_ACTIVE} WHERE community = ? AND day >= ?"
        " AND day <= ? GROUP BY day", [community.id, first.isoformat(), days[-1].isoformat()]).fetchall()
    active = {day: members for day, members, _ in rows}
    messages = {day: posts for day, _, posts in rows}
    return [DailyPoint(d, active.get(d.isoformat(), 0), messages.get(d.isoformat(), 0)) for d in days]


def prepare_rollups(db: sqlite_utils.Database, community: Community, week: IsoWeek, now: datetime,
                    progress: Progress | None = None) -> None:
    """Bring every roll-up the report of `week` reads (this week, the one before, the chart, the regulars, who
    was active before the week). The first report on a log without roll-ups reads it all once: it says how far
    it got, in the log and to `progress` (the CLI prints it)."""
    tz = community.tz

    def told(done: int, total: int) -> None:
        log.info("%s: first roll-up of the engagement log, %d/%d (six weeks each)", community.id, done, total)
        if progress is not None:
            progress(done, total)

    end = min(week.epoch_bounds(tz)[1], int(now.timestamp()) - FINAL_GRACE_SECONDS)
    advance(db, community.id, end, told)
    # each account's last join or leave before last week (one pass over the joins and leaves on a first report;
    # the nightly roll-up keeps it there), so who was a member is not read from every join ever logged
    membership.advance(db, community.id, min(week.shift(-1).epoch_bounds(tz)[0], end))
    depth = max(CHART_WEEKS, silent_weeks_for(community) + REGULAR_WINDOW_WEEKS + 1)
    ensure_days(db, community.id, [d for i in range(CHART_WEEKS) for d in week.shift(-i).days()], tz, now)
    ambassadors_silence = [w for reported in (week, week.shift(-1))
                           for w in week_ambassadors.silence_weeks(Scope(community, reported, None, now))]
    ensure_weeks(db, community.id, [week.shift(-i) for i in range(depth + 1)] + ambassadors_silence, tz, now)
    for reported in (week, week.shift(-1)):  # this week's regulars and last week's, for the change
        regulars.ensure(db, community.id, reported.shift(-silent_weeks_for(community)),
                        community.engagement.slipping_regular_weeks, tz, now)
    week_counts.ensure(db, [Scope(community, reported, platform, now) for reported in (week, week.shift(-1))
                            for platform in report_platforms(community)])
    week_helpfulness.ensure(db, community, (week, week.shift(-1)), now)
    week_slipping.ensure(db, community, (week, week.shift(-1)), now)
    week_responses.ensure(db, community, (week, week.shift(-1)), now)


def silent_weeks_for(community: Community) -> int:
    return silent_weeks(Scope(community, IsoWeek(2026, 1), None, datetime.now()))


def _remember(db: sqlite_utils.Database, community: Community, week: IsoWeek, platform: str | None,
              numbers: dict[str, Number], now: datetime) -> None:
    """Keep an ended week's figures as reported (aggregates only, no member id): the record of what the SMM
    was told. Week-over-week changes are not read from it but recomputed, so that a late event or a forgotten
    member changes last week's figure and this week's change alike."""
    if week.bounds(community.tz)[1] > now:
        return
    with db.atomic():
        db.execute(
            f"INSERT OR REPLACE INTO {REPORT_FIGURES} (community, week, platform, figures, built_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [community.id, str(week), platform or "all", json.dumps(numbers), now.isoformat()],
        )


def report_platforms(community: Community) -> list[str | None]:
    """The scopes of a report: all platforms together, then each apart when there are several."""
    from config.settings import PLATFORM_KEYS

    present = [p for p in PLATFORM_KEYS if community.space(p) is not None]
    return [None, *present] if len(present) > 1 else [None]


def build_report(db: sqlite_utils.Database, community: Community, week: IsoWeek, now: datetime,
                 late: bool = False, progress: Progress | None = None) -> WeeklyReport:
    prepare_rollups(db, community, week, now, progress)
    scopes = []
    answered = week_responses.AnsweredSinceMemo()
    for platform in report_platforms(community):
        numbers, lists = _numbers(db, Scope(community, week, platform, now), answered)
        _remember(db, community, week, platform, numbers, now)
        previous, _ = _numbers(db, Scope(community, week.shift(-1), platform, now), answered)
        scopes.append(ScopeFigures(platform, numbers, previous, lists))
    overall = scopes[0].numbers
    traffic = traffic_figures(db, community, week)
    return WeeklyReport(
        community=community,
        week=week,
        built_at=now,
        scopes=scopes,
        advice=recommend(overall, traffic, community),
        daily=_daily(db, community, week),
        moderation_available=bool(overall.get("moderation_available")),
        late=late,
        traffic=traffic,
        cohorts=campaign_cohorts(db, community, week, now),
    )
