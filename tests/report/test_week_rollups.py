"""The week roll-ups (member counts, helpfulness, regulars slipping away, help questions, the appointed
ambassadors' figures) give exactly what the report reads from the log and its per-member roll-ups, which
`test_reference` compares with the naive model: rolled up by the report or the nightly job, then after rows
written late, a member forgotten and accounts linked afterwards (across platforms or on the same one), with
members who opted out, ambassadors appointed and removed at any time, and help replies written after the roll-up
(folded in by a later nightly run or not); and on a database of the previous version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.features import shipped_features
from bot.features.engagement import feature
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.ambassadors import records
from handlers.engagement.log import PublishedPosts, write_rows
from handlers.engagement.migrations import WEEK_COUNTS, WEEK_UNANSWERED
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.privacy.accounts import Account, link
from handlers.privacy.forget import forget
from schedules.engagement.upkeep import roll_up_recent
from schedules.report import week_ambassadors, week_counts, week_helpfulness, week_responses, week_slipping
from schedules.report.builder import build_report, prepare_rollups
from schedules.report.metrics import Scope
from schedules.report.metrics.activity import slipping_away
from schedules.report.metrics.ambassadors import ambassadors, appointed
from schedules.report.metrics.people import identify, identities_of, opted_out_accounts
from schedules.report.metrics.response import first_response
from schedules.report.rollups import _final_periods
from schedules.report.weeks import IsoWeek
from tests.report.dataset import NOW, PARIS, acme_settings, row

WEEK = IsoWeek(2026, 47)  # the week NOW reports
FIRST = WEEK.shift(-9)  # ten weeks: the regulars' window (six weeks) before two weeks of silence, and more
ACCOUNTS = [("discord", f"d{i}") for i in range(4)] + [("slack", f"s{i}") for i in range(3)]
CHANNELS = {"discord": ("help-d", "general"), "slack": ("help-s", "general")}
KINDS = ("join", "leave", "message", "message", "message", "reply", "reply", "reply", "reaction", "reaction")

event = st.tuples(st.integers(0, len(ACCOUNTS) - 1), st.sampled_from(KINDS), st.integers(0, 9),
                  st.integers(0, 7 * 86_400 - 1), st.booleans(), st.integers(0, 1_000))
pair = st.tuples(st.integers(0, len(ACCOUNTS) - 1), st.integers(0, len(ACCOUNTS) - 1)).filter(lambda p: p[0] != p[1])
# an ambassador: who, appointed (seconds after FIRST's start), removed that long after (None: still serving)
appointment = st.tuples(st.integers(0, len(ACCOUNTS) - 1), st.integers(0, 10 * 7 * 86_400),
                        st.none() | st.integers(0, 4 * 7 * 86_400))


def _appoint(db, appointments: list[tuple]) -> None:
    start = FIRST.epoch_bounds(PARIS)[0]
    for who, since, serving in appointments:
        records.appoint(db, "acme", [ACCOUNTS[who]], ("discord", "cm"), datetime.fromtimestamp(start + since, UTC))
        if serving is not None:
            records.remove(db, "acme", [ACCOUNTS[who]], ("discord", "cm"),
                           datetime.fromtimestamp(start + since + serving, UTC))


def _rows(events: list[tuple], prefix: str, messages: list[tuple[str, str, str, int]],
          last_weeks: list[int] | None = None) -> list[tuple]:
    """Log rows for generated events, in time order; replies and reactions point at an earlier message of their
    platform (a message when there is none yet). An account is active up to its `last_weeks` entry only, so
    that some regulars go quiet."""
    if last_weeks is not None:
        events = [(who, kind, week % (last_weeks[who] + 1), *rest) for who, kind, week, *rest in events]
    rows = []
    for index, (who, kind, week, second, in_help, pick) in enumerate(sorted(events, key=lambda e: (e[2], e[3]))):
        platform, member = ACCOUNTS[who]
        at = FIRST.shift(week).epoch_bounds(PARIS)[0] + second
        targets = [m for m in messages if m[0] == platform]
        if kind in ("reply", "reaction") and not targets:
            kind = "message"
        message_id = f"{prefix}{index}"
        if kind in ("join", "leave"):
            rows.append(row(platform, member, kind, at))
        elif kind == "message":
            channel = CHANNELS[platform][0 if in_help else 1]
            rows.append(row(platform, member, kind, at, channel, message_id))
            messages.append((platform, channel, message_id, at))
        else:
            _, channel, target, _ = targets[pick % len(targets)]
            rows.append(row(platform, member, kind, at, channel, message_id, target))
            if kind == "reply":
                messages.append((platform, channel, message_id, at))
    return rows


def _others() -> list:
    return [f.migrations for f in shipped_features() if f.migrations is not None and f.name != "engagement"]


def _store() -> Store:
    store = Store.open(":memory:")
    apply_all(store.db, [*_others(), engagement_migrations])
    return store


def _assert_rolled_equals_live(db, community, now=NOW) -> None:
    shared = week_responses.AnsweredSinceMemo()  # as one report's scopes share it
    for week in (WEEK, WEEK.shift(-1)):
        for platform in (None, "discord", "slack"):
            scope = Scope(community, week, platform, now)
            who = identify(db, scope)
            hidden = identities_of(opted_out_accounts(db, community.id), who)
            periods = [f"c:{week}", f"h:{week}", f"s:{week}:3/2", f"q:{week}"]
            assert _final_periods(db, community.id, periods) == set(periods), "the roll-ups are what is read"
            where = (str(week), platform)
            assert week_counts.week_counts(db, scope, who) == week_counts.live(db, scope, who), where
            thanked = week_helpfulness.top_contributors(db, scope, who, hidden)
            assert thanked == ambassadors(db, scope, who, hidden), where
            assert week_slipping.slipping(db, scope, who, hidden) == slipping_away(db, scope, who, hidden), where
            assert week_responses.response_figures(db, scope) == first_response(db, scope), where
            rolled = week_responses.read(db, scope, shared)
            assert week_responses.response_figures(db, scope, rolled) == first_response(db, scope), where
            assert week_ambassadors.appointed(db, scope, who) == appointed(db, scope, who), where


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(early=st.lists(event, max_size=150),
       last_weeks=st.lists(st.integers(4, 9), min_size=len(ACCOUNTS), max_size=len(ACCOUNTS)),
       late=st.lists(event, max_size=6), links=st.lists(pair, max_size=3), later_links=st.lists(pair, max_size=2),
       opted_out=st.sets(st.integers(0, len(ACCOUNTS) - 1), max_size=2),
       forgotten=st.none() | st.integers(0, len(ACCOUNTS) - 1), nightly=st.booleans(), top_count=st.integers(1, 3),
       answers=st.lists(st.tuples(st.integers(0, len(ACCOUNTS) - 1), st.integers(0, 2 * 86_400),
                                  st.integers(0, 1_000)), max_size=8),
       appointments=st.lists(appointment, max_size=4), folded=st.booleans(), silence_days=st.integers(7, 30))
def test_week_rollups_equal_the_live_reading(early, last_weeks, late, links, later_links, opted_out, forgotten,
                                             nightly, top_count, answers, appointments, folded, silence_days):
    community = acme_settings(f"\n[communities.engagement]\ntop_count = {top_count}\n"
                              f"\n[communities.ambassadors]\nslipping_days = {silence_days}\n").communities[0]
    store = _store()
    db = store.db
    _appoint(db, appointments)
    for index, (platform, member) in enumerate(ACCOUNTS):
        db.execute("INSERT INTO members (community, platform, member_id, display_name, joined_at, opted_out)"
                   " VALUES ('acme', ?, ?, ?, '2026-01-01', ?)", [platform, member, member.upper(),
                                                                 int(index in opted_out)])
    messages: list[tuple[str, str, str, int]] = []
    write_rows(db, _rows(early, "e", messages, last_weeks), PublishedPosts())
    for first, second in links:
        link(db, "acme", Account(*ACCOUNTS[first]), Account(*ACCOUNTS[second]), NOW)
    if nightly:
        roll_up_recent(db, community, NOW - timedelta(hours=5))
    prepare_rollups(db, community, WEEK, NOW)
    _assert_rolled_equals_live(db, community)

    write_rows(db, _rows(late, "l", messages), PublishedPosts())  # written late: reopens what they fall in
    if forgotten is not None:
        forget(db, "acme", [Account(*ACCOUNTS[forgotten])], feature.personal_data)
    for first, second in later_links:
        link(db, "acme", Account(*ACCOUNTS[first]), Account(*ACCOUNTS[second]), NOW)
    prepare_rollups(db, community, WEEK, NOW)
    _assert_rolled_equals_live(db, community)

    # help replies written after the roll-up to questions of the two weeks it saw; a report two days later
    start = WEEK.shift(-1).epoch_bounds(PARIS)[0]
    questions = [m for m in messages if m[1].startswith("help") and m[3] >= start]
    replies = []
    for index, (who, second, pick) in enumerate(sorted(answers, key=lambda a: a[1])):
        if questions:
            platform, channel, target, _ = questions[pick % len(questions)]
            member = [m for p, m in ACCOUNTS if p == platform][who % 3]
            replies.append(row(platform, member, "reply", int(NOW.timestamp()) + second, channel, f"a{index}", target))
    write_rows(db, replies, PublishedPosts())
    if folded:  # the next nightly run folds the answers written so far into the roll-up; later ones are read
        roll_up_recent(db, community, NOW + timedelta(days=1))
    later = NOW + timedelta(days=2, hours=1)
    prepare_rollups(db, community, WEEK, later)
    _assert_rolled_equals_live(db, community, later)
    store.close()


def test_a_database_of_the_previous_version_gets_the_week_rollups(tmp_path):
    """Migrated with its log in place, the first report builds the new roll-ups and gives the same figures as
    reading the log, and the next one reads them."""
    community = acme_settings().communities[0]
    store = Store.open(tmp_path / "old.db")
    apply_all(store.db, _others())
    engagement_migrations.apply(store.db, stop_before="m011_week_counts")
    assert not store.db[WEEK_COUNTS].exists()
    events = [(i % len(ACCOUNTS), KINDS[i % len(KINDS)], i % 10, (i * 7_919) % (7 * 86_400), i % 3 == 0, i)
              for i in range(200)]
    write_rows(store.db, _rows(events, "e", []), PublishedPosts())
    apply_all(store.db, [engagement_migrations])
    first = build_report(store.db, community, WEEK, NOW)
    _assert_rolled_equals_live(store.db, community)
    again = build_report(store.db, community, WEEK, NOW)
    assert [(s.numbers, s.previous, s.lists) for s in again.scopes] == [
        (s.numbers, s.previous, s.lists) for s in first.scopes]
    store.close()


def test_a_question_answered_after_the_rollup_within_a_day_is_answered():
    """Asked late on Sunday, rolled up unanswered on Monday night, answered on Monday morning (13 hours later):
    two days on, the week has one answered question and none unanswered after 24 hours, as the log says."""
    community = acme_settings().communities[0]
    store = _store()
    db = store.db
    asked = WEEK.epoch_bounds(PARIS)[1] - 2 * 3600
    write_rows(db, [row("discord", "d0", "message", asked, "help-d", "q1"),
                    row("discord", "d1", "message", asked + 60, "help-d", "q2")], PublishedPosts())
    roll_up_recent(db, community, NOW - timedelta(hours=5))
    assert _final_periods(db, community.id, [f"q:{WEEK}"]) == {f"q:{WEEK}"}
    write_rows(db, [row("discord", "d1", "reply", asked + 13 * 3600, "help-d", "r1", "q1")], PublishedPosts())
    later = NOW + timedelta(days=2)
    figures = week_responses.response_figures(db, Scope(community, WEEK, None, later))
    assert figures == first_response(db, Scope(community, WEEK, None, later))
    assert figures["help_questions"] == 2
    assert figures["first_response_median_s"] == 13 * 3600
    assert figures["unanswered_24h_share"] == 0.5
    store.close()


def test_an_ambassador_answering_after_the_rollup_counts_in_their_share():
    """d1, an ambassador, answers on Monday morning a question left open by the nightly roll-up: the report
    counts it from the replies written since (as the log says), and so does it once a later night folded it in."""
    community = acme_settings().communities[0]
    store = _store()
    db = store.db
    records.appoint(db, "acme", [("discord", "d1")], ("discord", "cm"), NOW - timedelta(days=30))
    asked = WEEK.epoch_bounds(PARIS)[1] - 2 * 3600
    write_rows(db, [row("discord", "d0", "message", asked, "help-d", "q1"),
                    row("discord", "d2", "message", asked + 60, "help-d", "q2"),
                    row("discord", "d3", "reply", asked + 120, "help-d", "r0", "q2")], PublishedPosts())
    roll_up_recent(db, community, NOW - timedelta(hours=5))
    write_rows(db, [row("discord", "d1", "reply", int(NOW.timestamp()) - 3600, "help-d", "r1", "q1")],
               PublishedPosts())
    for when in (NOW, NOW + timedelta(days=1)):
        roll_up_recent(db, community, when - timedelta(hours=5))
        scope = Scope(community, WEEK, None, when)
        figures = week_ambassadors.appointed(db, scope, identify(db, scope))
        assert figures == appointed(db, scope, identify(db, scope))
        assert figures["ambassador_first_response_share"] == 0.5
        assert figures["ambassadors_slipping"] == 1  # silent in the 21 days before the week's end
    assert db.execute("SELECT count(*) FROM engagement_week_unanswered").fetchone() == (0,)  # folded in
    store.close()


def test_help_questions_rolled_up_by_the_previous_version_are_made_again(tmp_path):
    """A database whose help questions were rolled up before the roll-up kept its counts and first responders:
    the migration drops those roll-ups, the next report makes them again and reads what the log says."""
    community = acme_settings().communities[0]
    store = Store.open(tmp_path / "old.db")
    apply_all(store.db, _others())
    engagement_migrations.apply(store.db, stop_before="m015_week_responders")
    events = [(i % len(ACCOUNTS), KINDS[i % len(KINDS)], i % 10, (i * 7_919) % (7 * 86_400), i % 3 == 0, i)
              for i in range(300)]
    write_rows(store.db, _rows(events, "e", []), PublishedPosts())
    store.db.execute("INSERT INTO engagement_rollups (community, period, final_at, start_epoch, end_epoch)"
                     " VALUES ('acme', ?, '2026-11-23', 0, ?)", [f"q:{WEEK}", int(NOW.timestamp()) + 1])
    store.db.conn.commit()
    apply_all(store.db, [engagement_migrations])
    assert not _final_periods(store.db, community.id, [f"q:{WEEK}"])
    build_report(store.db, community, WEEK, NOW)
    _assert_rolled_equals_live(store.db, community)
    store.close()


def test_a_report_reads_the_answers_since_the_rollup_once_per_week_whatever_the_platforms():
    """The help replies written since the nightly roll-up are the one part of the report that grows with the
    community's rate: a report of two platforms (three scopes) reads them once for this week and once for the
    week before, not once per scope."""
    community = acme_settings().communities[0]
    store = _store()
    db = store.db
    asked = WEEK.epoch_bounds(PARIS)[1] - 2 * 3600
    write_rows(db, [row("discord", "d0", "message", asked, "help-d", "q1"),
                    row("slack", "s0", "message", asked + 60, "help-s", "q2")], PublishedPosts())
    roll_up_recent(db, community, NOW - timedelta(hours=5))
    # answered on Monday morning, after the night's roll-up (Sunday 22:00 + 9 and + 10 hours)
    write_rows(db, [row("discord", "d1", "reply", asked + 9 * 3600, "help-d", "r1", "q1"),
                    row("slack", "s1", "reply", asked + 10 * 3600, "help-s", "r2", "q2")], PublishedPosts())
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    report = build_report(db, community, WEEK, NOW)
    db.conn.set_trace_callback(None)
    assert [scope.platform for scope in report.scopes] == [None, "discord", "slack"]
    joins = [sql for sql in statements if f"CROSS JOIN {WEEK_UNANSWERED}" in sql]
    assert len(joins) == 2  # this week and the week before
    assert report.overall.numbers["help_questions"] == 2
    delays = [9 * 3600, 10 * 3600 - 60]  # q2 was asked a minute after q1
    assert report.overall.numbers["first_response_median_s"] == sum(delays) / 2
    assert [s.numbers["first_response_median_s"] for s in report.scopes[1:]] == delays
    store.close()
