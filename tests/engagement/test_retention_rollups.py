"""The retention purge takes with the raw rows every roll-up that names members and was made from them."""

from __future__ import annotations

from datetime import timedelta

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.engagement.log import PublishedPosts, write_rows
from handlers.engagement.migrations import ROLLUPS, WEEK_SLIPPING
from handlers.engagement.migrations import migrations as engagement_migrations
from schedules.engagement.upkeep import purge_engagement, roll_up_recent
from schedules.report.builder import prepare_rollups
from schedules.report.weeks import IsoWeek
from tests.report.dataset import PARIS, acme_settings, row

FIRST = IsoWeek(2026, 30)


def test_the_weeks_just_after_the_cutoff_lose_the_regulars_they_named_from_purged_weeks():
    """A regular active in six weeks goes quiet; each report week of the next months names them as slipping
    away. Once the purge reaches the first of those six weeks, the weeks whose window reaches back there (up to
    the six weeks plus the silence after the cutoff) no longer name them: rows and roll-up marks alike."""
    community = acme_settings("\n[communities.privacy]\nengagement_retention_days = 60\n").communities[0]
    store = Store.open(":memory:")
    db = store.db
    apply_all(db, [engagement_migrations])
    db.execute("INSERT INTO members (community, platform, member_id, display_name, joined_at, opted_out)"
               " VALUES ('acme', 'discord', 'd1', 'D1', '2026-01-01', 0)")
    rows = [row("discord", "d1", "message", FIRST.shift(w).epoch_bounds(PARIS)[0] + 3600, "general", f"m{w}")
            for w in range(6)]
    rows += [row("discord", "d2", "message", FIRST.shift(w).epoch_bounds(PARIS)[0] + 3600, "general", f"n{w}")
             for w in range(12)]
    write_rows(db, rows, PublishedPosts())
    for w in range(7, 12):
        week = FIRST.shift(w)
        prepare_rollups(db, community, week, week.bounds(PARIS)[1] + timedelta(hours=10))
    named = {r[0] for r in db.execute(f"SELECT week FROM {WEEK_SLIPPING} WHERE member_id = 'd1'")}
    assert named == {str(FIRST.shift(w)) for w in range(7, 11)}  # quiet since FIRST + 6, a regular until FIRST + 10
    now = FIRST.shift(1).bounds(PARIS)[0] + timedelta(days=61)  # the cutoff falls in FIRST + 1
    roll_up_recent(db, community, now)
    purge_engagement(db, community, now)
    cutoff_week = FIRST.shift(1)
    silence = 2
    kept = {r[0] for r in db.execute(f"SELECT DISTINCT week FROM {WEEK_SLIPPING}")}
    assert all(IsoWeek.parse(w) >= cutoff_week.shift(5 + silence) for w in kept), kept
    marks = {r[0] for r in db.execute(f"SELECT period FROM {ROLLUPS} WHERE period LIKE 's:%'")}
    assert all(IsoWeek.parse(p.split(":")[1]) >= cutoff_week.shift(5 + silence) for p in marks), marks
    store.close()
