"""Every metric on the hand-built data set of `tests.report.dataset`, each expected figure worked out here."""

from __future__ import annotations

import pytest

from handlers.engagement.log import PublishedPosts, write_rows
from handlers.moderation.migrations import moderation as moderation_migrations
from schedules.report.builder import build_report
from schedules.report.weeks import IsoWeek
from tests.report.dataset import NOW, load, nov, row

W47 = IsoWeek(2026, 47)


@pytest.fixture
def report(db, acme):
    load(db)
    return build_report(db, acme, W47, NOW)


def test_growth(report):
    all_, discord, slack = report.scopes
    # joins d1, d2 (Discord) and s1 (Slack); d6 left on Saturday
    assert (all_.numbers["joined"], all_.numbers["left"], all_.numbers["net_growth"]) == (3, 1, 2)
    assert (discord.numbers["joined"], discord.numbers["left"], slack.numbers["joined"]) == (2, 1, 1)
    assert all_.numbers["members"] == 12  # 13 known, d6 gone
    # at the start: d3 d5 d7 d8 d9 s2 (seen before the week), d4 dcm s3 (active, never seen joining) and d6 (left)
    assert all_.numbers["members_at_start"] == 10
    assert all_.numbers["members_at_start"] + all_.numbers["net_growth"] == all_.numbers["members"]
    # W46: d5 and d7 joined
    assert all_.previous["joined"] == 2 and all_.change("joined") == 1


def test_activity(report):
    all_, discord, slack = report.scopes
    # Discord d1 d2 d3 d4 d5 dcm, Slack s1 s2 s3
    assert all_.numbers["active_members"] == 9
    assert (discord.numbers["active_members"], slack.numbers["active_members"]) == (6, 3)
    # of the week's 13 members: the 12 at its end and d6, who left on Saturday (a member since before the bot)
    assert all_.numbers["active_share"] == pytest.approx(9 / 13)
    # messages: m100 q1 q2 q3 f1 (Discord) 1.1 1.2 (Slack); replies r1 r3 1.3; reactions d2 dcm d3 d4 s3
    assert (all_.numbers["messages"], all_.numbers["replies"], all_.numbers["reactions"]) == (7, 3, 5)
    # W46: m50 and 0.9
    assert all_.previous["messages"] == 2 and all_.change("messages") == 5


def test_top_lists(report):
    all_ = report.overall
    channels = [(c.ref, c.value) for c in all_.lists["top_channels"]]
    assert channels == [("help-d", 4), ("help-s", 2), ("announce", 1), ("fb-d", 1), ("general", 1)]
    # helpfulness: s1 answered 1.2 first in help-s (5 + 3) and got s3's reaction on 1.1 (1); d4 answered q1
    # first (5 + 3; its answer to q3 came in W48); d1 got two reactions on m100. d3 only asked.
    contributors = [(c.ref, c.label, c.value) for c in all_.lists["top_contributors"]]
    assert contributors == [("s1", "S1", 9), ("d4", "D4", 8), ("d1", "D1", 2)]


def test_slipping_away(report):
    # d8 was active W41-W43 and silent W46-W47; d9 only two weeks; d3 is still active
    assert report.overall.numbers["slipping_away"] == 1
    assert [m.ref for m in report.overall.lists["slipping"]] == ["d8"]
    assert report.overall.previous["slipping_away"] == 1  # already silent in W45-W46


def test_newcomers(report):
    numbers = report.overall.numbers
    # d1 and s1 posted, d2 only reacted
    assert (numbers["newcomers"], numbers["newcomers_activated"]) == (3, 2)
    assert numbers["newcomer_activation"] == pytest.approx(2 / 3)
    # joined W43-W46: d5 (active this week) and d7 (silent)
    assert (numbers["recent_newcomers"], numbers["newcomers_retained"], numbers["newcomer_retention"]) == (2, 1, 0.5)


def test_first_response(report):
    numbers = report.overall.numbers
    # q1 answered in 30 min, q4 (1.2) in 2 h, q3 in 12 h (after the week, before the report), q2 never
    assert numbers["help_questions"] == 4
    assert numbers["first_response_median_s"] == 7200
    assert numbers["first_response_p90_s"] == 43200
    # only q1, q2, q4 are 24 h old at report time; q2 is unanswered
    assert numbers["unanswered_24h_share"] == pytest.approx(1 / 3)
    assert report.scopes[2].numbers["first_response_median_s"] == 7200  # Slack alone: q4


def test_feedback(report):
    all_, discord, slack = (scope.numbers for scope in report.scopes)
    # f1 (feedback channel) and m100 (marked) on Discord, the idea on Slack, the complaint; the W46 bug is W46's
    assert (all_["feedback"], discord["feedback"], slack["feedback"]) == (4, 3, 1)
    assert [all_[f"feedback_{k}"] for k in ("idea", "bug", "praise", "complaint", "unsorted")] == [1, 0, 0, 1, 2]
    assert all_["feedback_acknowledged_share"] == 0.5  # f1 and the idea
    assert all_["feedback_ack_median_s"] == 5400  # 1 h and 2 h
    assert all_["feedback_close_median_s"] == 86400  # the idea, a day after it arrived
    # at the week's end (Monday 23 00:00): the W46 bug of Thursday 12, 10:00 is the oldest open
    assert all_["feedback_oldest_open_s"] == 10 * 86400 + 14 * 3600
    assert slack["feedback_oldest_open_s"] is None and slack["feedback_acknowledged_share"] == 1
    assert report.scopes[0].previous["feedback"] == 1 and report.scopes[0].previous["feedback_bug"] == 1


def test_scheduled_posts(report):
    numbers = report.overall.numbers
    assert numbers["posts_published"] == 1
    assert (numbers["post_reactions_24h"], numbers["post_replies_24h"], numbers["post_members_24h"]) == (1, 1, 2)
    assert (numbers["post_reactions_7d"], numbers["post_replies_7d"], numbers["post_members_7d"]) == (2, 1, 2)
    assert [(p.ref, p.value) for p in report.overall.lists["best_post"]] == [("1", 3)]
    assert [(c.ref, c.value) for c in report.overall.lists["by_campaign"]] == [("launch", 3)]
    assert [(c.ref, c.value) for c in report.overall.lists["by_pillar"]] == [("news", 3)]
    assert numbers["posts_scheduled_next_week"] == 1  # post 2; the draft does not count
    assert report.scopes[2].numbers["posts_published"] == 0


def test_moderation_absent_gives_zeros_and_says_so(report):
    assert report.overall.numbers["flags_raised"] == 0 and not report.moderation_available


def test_moderation_figures_from_the_moderation_features_own_table(db, acme):
    load(db)
    moderation_migrations.apply(db)  # the real schema, so the report cannot drift from it
    db["moderation_flags"].insert_all([
        {"community": "acme", "platform": "discord", "created_at": "2026-11-17T10:00:00+00:00",
         "decided_at": "2026-11-17T11:00:00+00:00", "status": "timed_out", "auto_action": "flag"},
        {"community": "acme", "platform": "slack", "created_at": "2026-11-18T10:00:00+00:00",
         "decided_at": "2026-11-18T13:00:00+00:00", "status": "dismissed", "auto_action": "flag"},
        {"community": "acme", "platform": "slack", "created_at": "2026-11-19T10:00:00+00:00",
         "decided_at": None, "status": "open", "auto_action": "delete"},
    ])
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    # one decision acted (the timeout), one dismissed; the scam link deleted automatically is an action too
    assert (numbers["flags_raised"], numbers["flags_decided"], numbers["moderation_actions"]) == (3, 2, 2)
    assert numbers["decision_median_s"] == 2 * 3600  # median of 1 h and 3 h


def test_advice_names_the_figures(report):
    # 3 newcomers < 5 (too few to judge activation); growth 2/12 is not stagnant: no claim on conversion
    assert report.advice.kind == "too_few"
    assert report.advice.evidence["newcomers"] == 3


def test_daily_series_covers_eight_weeks(report):
    assert len(report.daily) == 56
    monday = next(p for p in report.daily if p.day.isoformat() == "2026-11-16")
    assert (monday.active_members, monday.messages) == (2, 2)  # d1 and s1, m100 and 1.1


def test_week_over_week_is_recomputed_so_late_rows_count(db, acme):
    load(db)
    build_report(db, acme, W47.shift(-1), NOW)  # last Monday's report of W46: its roll-ups are final
    stored = db.execute("SELECT figures FROM report_figures WHERE week = '2026-W46' AND platform = 'all'").fetchone()
    assert '"messages": 2' in stored[0]  # what was reported is kept
    # a W46 message delivered late (a platform replaying events after an outage)
    write_rows(db, [row("discord", "d9", "message", nov(12, 10), "general", "late1")], PublishedPosts())
    report = build_report(db, acme, W47, NOW)
    assert report.overall.previous["messages"] == 3  # the final W46 roll-up was reopened, not trusted stale
