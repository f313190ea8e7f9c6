"""One test per wrong figure a user saw in the weekly report (each failed before its fix)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from handlers.engagement.log import PublishedPosts, write_rows
from handlers.moderation.migrations import moderation as moderation_migrations
from schedules.engagement.upkeep import roll_up_recent
from schedules.report.builder import build_report
from schedules.report.weeks import IsoWeek
from tests.report.dataset import NOW, PARIS, nov, row

W47 = IsoWeek(2026, 47)


async def _console(settings, tmp_path, script: str, start: datetime) -> str:
    settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": tmp_path / "c.db"})})
    clock = SimulatedClock(start)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(tmp_path / "c.db"), clock, wakeups, shipped_features())
    out = io.StringIO()
    console = ConsolePlatform("console", clock, app.services.commands, wakeups.run_due, stdin=io.StringIO(), stdout=out)
    app.attach([console])
    await app.start()
    for line in script.strip().splitlines():
        await console.feed(line + "\n")
    await app.stop()
    return out.getvalue().replace("\xa0", " ").replace("\u202f", " ")


async def test_a_departure_buffered_over_the_nightly_rollup_is_reported(settings, tmp_path):
    """The nightly roll-up ran while zoe's leave and alice's message waited in the write buffer: the day was
    final without them, and the Monday report said « Départs : 0 » and one message."""
    script = """
    say alice #general Bonjour
    join zoe
    clock +2d
    say alice #general Encore moi
    leave zoe
    clock 2026-11-30T09:00
    """
    printed = await _console(settings, tmp_path, script, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    posted = printed[printed.index("[#strategy]"):]
    assert "Départs : 1" in posted and "Arrivées : 1" in posted
    assert "Messages : 2" in posted


def test_a_row_written_after_its_day_was_final_reopens_the_rollup(db, acme):
    write_rows(db, [row("discord", "d1", "message", nov(17, 10), "general", "a")], PublishedPosts())
    roll_up_recent(db, acme, NOW)  # Tuesday 17 and W47 are final now
    write_rows(db, [row("discord", "d2", "leave", nov(17, 11))], PublishedPosts())  # delivered late
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert numbers["left"] == 1


def test_shares_stay_within_100_percent_when_active_members_leave(db, acme):
    """Three members active, two of them leave: « Part de membres actifs : 133 % » before."""
    rows = [row("discord", m, "join", nov(9, 10)) for m in ("a", "b", "c")]
    rows += [row("discord", m, "message", nov(17, 10), "general", f"m-{m}") for m in ("a", "b", "c")]
    rows += [row("discord", m, "leave", nov(18, 10)) for m in ("a", "b")]
    write_rows(db, rows, PublishedPosts())
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert numbers["active_members"] == 3 and numbers["active_share"] == 1.0
    assert (numbers["members_at_start"], numbers["members"], numbers["net_growth"]) == (3, 1, -2)
    assert numbers["growth_rate"] == pytest.approx(-2 / 3)  # relative to the 3 members at the start


def test_growth_is_na_without_members_at_the_start(db, acme):
    write_rows(db, [row("discord", m, "join", nov(17, 10)) for m in ("a", "b")], PublishedPosts())
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert numbers["net_growth"] == 2 and numbers["members_at_start"] == 0 and numbers["growth_rate"] is None


def _post(db, post_id: int, next_due: datetime, cron: str | None = None, status: str = "scheduled") -> None:
    db["calendar_posts"].insert({
        "id": post_id, "community": "acme", "status": status, "author_platform": "discord", "author_id": "smm",
        "body": "News", "timezone": "Europe/Paris", "cron": cron,
        "next_due_at": next_due.astimezone(UTC).isoformat(timespec="microseconds")})


@pytest.mark.parametrize(("week", "now"), [
    (IsoWeek(2026, 47), datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)),  # a past week, asked for two weeks later
    (IsoWeek(2030, 1), NOW),  # a far future week
])
def test_no_cadence_warning_about_a_week_that_is_not_the_coming_one(db, acme, week, now):
    write_rows(db, [row("discord", "d1", "message", nov(17, 10), "general", "a")], PublishedPosts())
    report = build_report(db, acme, week, now)
    assert report.overall.numbers["posts_scheduled_next_week"] is None
    from bot.i18n import Catalogue
    from schedules.report.render import report_cards

    text = "\n".join(card.text.plain() for card in report_cards(report, "console", Catalogue.shipped()))
    assert "Nothing is scheduled" not in text


def test_the_cadence_counts_each_occurrence_of_a_recurring_post(db, acme):
    write_rows(db, [row("discord", "d1", "message", nov(17, 10), "general", "a")], PublishedPosts())
    _post(db, 1, datetime(2026, 11, 24, 9, 0, tzinfo=PARIS), cron="0 9 * * 1,4")  # Mondays and Thursdays
    _post(db, 2, datetime(2026, 12, 24, 9, 0, tzinfo=PARIS))  # a month away: not the coming week
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert numbers["posts_scheduled_next_week"] == 2  # Thursday 26, Monday 30 November 09:00 (< Mon 10:00)


def test_ambassadors_leave_out_staff_and_sanctioned_members(db, acme):
    moderation_migrations.apply(db)
    rows = [row("discord", "q", "message", nov(17, 9), "help-d", f"q{i}") for i in range(4)]
    for i, helper in enumerate(("troll", "scammer", "cm", "kind")):
        rows.append(row("discord", helper, "reply", nov(17, 10), "help-d", f"r{i}", f"q{i}"))
    write_rows(db, rows, PublishedPosts())
    db["engagement_staff"].insert({"community": "acme", "platform": "discord", "member_id": "cm", "staff": 1,
                                   "seen_at": nov(17, 10)})
    db["moderation_flags"].insert_all([
        {"community": "acme", "platform": "discord", "member_id": "troll", "created_at": "2026-11-18T10:00:00+00:00",
         "decided_at": "2026-11-18T11:00:00+00:00", "status": "warned", "auto_action": "flag"},
        {"community": "acme", "platform": "discord", "member_id": "scammer", "created_at": "2026-11-19T10:00:00+00:00",
         "status": "open", "auto_action": "delete"},
    ])
    thanked = [item.ref for item in build_report(db, acme, W47, NOW).overall.lists["top_contributors"]]
    assert thanked == ["kind"]


def test_no_best_post_without_engagement_and_its_link_is_whole(db, acme):
    url = "https://example.com/a/rather/long/path/to/the/launch-announcement?utm_source=discord"
    db["calendar_posts"].insert({"id": 1, "community": "acme", "status": "published", "author_platform": "discord",
                                 "author_id": "smm", "body": "Our big launch is today, read all about it: " + url,
                                 "timezone": "Europe/Paris"})
    db["calendar_deliveries"].insert({
        "post_id": 1, "community": "acme", "due_at": "2026-11-17T09:00:00.000000+00:00", "platform": "discord",
        "channel_id": "announce", "idempotency_key": "k1", "status": "published", "message_id": "p1",
        "finished_at": "2026-11-17T09:00:00.000000+00:00"})
    write_rows(db, [row("discord", "d1", "message", nov(17, 10), "general", "a")], PublishedPosts())
    assert build_report(db, acme, W47, NOW).overall.lists["best_post"] == []
    posts = PublishedPosts()
    write_rows(db, [row("discord", "d1", "reaction", nov(17, 11), "announce", None, "p1")], posts)
    [best] = build_report(db, acme, W47, NOW).overall.lists["best_post"]
    assert best.value == 1 and best.label.endswith(url) and best.label.startswith("Our big launch")
    assert best.ref == "1"


def test_an_opted_out_member_is_never_named_but_stays_in_the_totals(db, acme):
    rows = [row("discord", "q", "message", nov(17, 9), "help-d", "q1"),
            row("discord", "shy", "reply", nov(17, 10), "help-d", "r1", "q1"),
            row("discord", "kind", "reply", nov(17, 11), "help-d", "r2", "q1")]
    write_rows(db, rows, PublishedPosts())
    db["members"].insert({"community": "acme", "platform": "discord", "member_id": "shy", "opted_out": 1})
    report = build_report(db, acme, W47, NOW)
    assert [item.ref for item in report.overall.lists["top_contributors"]] == ["kind"]
    assert report.overall.numbers["replies"] == 2 and report.overall.numbers["active_members"] == 3


def test_linked_accounts_are_one_member_in_the_all_platforms_figures(db, acme):
    from handlers.privacy.accounts import Account, link
    from handlers.privacy.migrations import migrations as privacy_migrations

    privacy_migrations.apply(db)
    write_rows(db, [row("discord", "ann-d", "join", nov(17, 9)), row("slack", "ann-s", "join", nov(17, 9)),
                    row("discord", "ann-d", "message", nov(17, 10), "general", "a"),
                    row("slack", "ann-s", "message", nov(17, 10), "general-s", "b")], PublishedPosts())
    link(db, "acme", Account("discord", "ann-d"), Account("slack", "ann-s"), NOW)
    all_, discord, slack = build_report(db, acme, W47, NOW).scopes
    assert (all_.numbers["joined"], all_.numbers["active_members"], all_.numbers["members"]) == (1, 1, 1)
    assert (discord.numbers["joined"], slack.numbers["joined"]) == (1, 1)
    assert all_.numbers["messages"] == 2  # events stay events


def test_forget_me_takes_a_members_rows_out_of_final_rollups(db, acme):
    from bot.features.engagement import feature as engagement_feature
    from handlers.privacy.accounts import Account
    from handlers.privacy.forget import forget

    write_rows(db, [row("discord", "gone", "message", nov(17, 10), "general", "a"),
                    row("discord", "stays", "message", nov(17, 11), "general", "b")], PublishedPosts())
    assert build_report(db, acme, W47, NOW).overall.numbers["messages"] == 2  # W47's roll-ups are final now
    forget(db, "acme", [Account("discord", "gone")], engagement_feature.personal_data)
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert (numbers["messages"], numbers["active_members"]) == (1, 1)


def test_members_who_were_there_before_the_bot_count_at_the_start(db, acme):
    """The console demo: four joins, and one member who never joined in the log but speaks this week. Before,
    « Membres en début de semaine : 0 », « Croissance nette : 4 », « Membres : 5 »: the three did not add up."""
    rows = [row("discord", m, "join", nov(16, 10)) for m in ("a", "b", "c", "d")]
    rows += [row("discord", "old", "message", nov(18, 10), "general", "m-old")]
    write_rows(db, rows, PublishedPosts())
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert (numbers["members_at_start"], numbers["net_growth"], numbers["members"]) == (1, 4, 5)
    assert numbers["growth_rate"] == pytest.approx(4.0)


def test_a_member_whose_first_seen_change_is_leaving_was_there_at_the_start(db, acme):
    """A member who left without the log ever seeing them join was a member when the week started."""
    write_rows(db, [row("discord", "quiet", "leave", nov(19, 10))], PublishedPosts())
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert (numbers["members_at_start"], numbers["left"], numbers["members"]) == (1, 1, 0)


def test_a_past_week_does_not_learn_of_members_from_later_weeks(db, acme):
    """Whether an account was there before the bot is judged on the week itself: its later activity does not
    rewrite a past week's members at the start."""
    write_rows(db, [row("discord", "later", "message", nov(25, 10), "general", "m-later")], PublishedPosts())
    numbers = build_report(db, acme, W47, NOW).overall.numbers
    assert numbers["members_at_start"] == 0 and numbers["members"] == 0
