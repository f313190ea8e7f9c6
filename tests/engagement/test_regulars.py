"""The regulars' roll-up gives the "slipping away" figure exactly as reading eight weeks of member-weeks does:
same count, same names, in every scope, with linked accounts, rolled up or not."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from bot.features import shipped_features
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.engagement.migrations import MEMBER_WEEKS
from schedules.report import regulars
from schedules.report.metrics import Scope
from schedules.report.metrics.activity import REGULAR_WINDOW_WEEKS, silent_weeks, slipping_away
from schedules.report.metrics.people import identify
from schedules.report.weeks import IsoWeek
from tests.report.dataset import NOW, acme_settings

WEEK = IsoWeek(2026, 47)


@pytest.fixture
def db(tmp_path):
    store = Store.open(tmp_path / "regulars.db")
    apply_all(store.db, [f.migrations for f in shipped_features() if f.migrations is not None])
    yield store.db
    store.close()


def _naive(db, scope: Scope, hidden: set[str]) -> tuple[int, list[tuple[str, int]]]:
    """The figure as first written: every member-week of the eight weeks, grouped by identity in Python."""
    who = identify(db, scope)
    silence = silent_weeks(scope)
    quiet = {str(scope.week.shift(-i)) for i in range(silence)}
    before = [str(scope.week.shift(-silence - i)) for i in range(REGULAR_WINDOW_WEEKS)]
    extra, params = scope.platform_filter()
    active: dict[str, set[str]] = {}
    accounts: dict[str, list[tuple[str, str]]] = {}
    weeks = [*quiet, *before]
    for platform, member_id, week in db.execute(
        f"SELECT platform, member_id, week FROM {MEMBER_WEEKS} WHERE community = ?"
        f" AND week IN ({', '.join('?' for _ in weeks)}){extra}", [scope.community.id, *weeks, *params]):
        active.setdefault(who(platform, member_id), set()).add(week)
        accounts.setdefault(who(platform, member_id), []).append((platform, member_id))
    regular = scope.community.engagement.slipping_regular_weeks
    slipping = sorted(((len(w), i) for i, w in active.items() if len(w) >= regular and not w & quiet),
                      key=lambda item: (-item[0], item[1]))
    shown = [(n, i) for n, i in slipping if i not in hidden][: scope.top_count]
    return len(slipping), [(min(accounts[i])[1], n) for n, i in shown]


def _fill(db, rng: random.Random) -> None:
    rows = set()
    for index in range(60):
        platform = rng.choice(("discord", "slack"))
        habit = rng.random()
        for back in range(10):
            if rng.random() < habit:
                rows.add(("acme", platform, str(WEEK.shift(-back)), f"m{index}"))
    with db.conn:
        db.conn.executemany(f"INSERT INTO {MEMBER_WEEKS} (community, platform, week, member_id, messages, replies,"
                            " reactions) VALUES (?, ?, ?, ?, 1, 0, 0)", sorted(rows))
        for person in range(8):  # a few people with an account on each platform
            for platform in ("discord", "slack"):
                db.execute("INSERT OR IGNORE INTO privacy_links (community, platform, member_id, person, linked_at)"
                           " VALUES ('acme', ?, ?, ?, '2026-01-01')", [platform, f"m{rng.randrange(60)}", f"p{person}"])


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("rolled_up", [False, True])
def test_slipping_away_matches_the_member_week_reading(db, seed, rolled_up):
    rng = random.Random(seed)
    _fill(db, rng)
    community = acme_settings().communities[0]
    hidden = {f"discord:m{rng.randrange(60)}"}
    for platform in (None, "discord", "slack"):
        scope = Scope(community, WEEK, platform, NOW)
        if rolled_up:  # as the nightly roll-up leaves it: the window ended weeks ago
            regulars.ensure(db, community.id, WEEK.shift(-silent_weeks(scope)),
                            community.engagement.slipping_regular_weeks, community.tz, NOW + timedelta(days=1))
        count, ranked = slipping_away(db, scope, identify(db, scope), hidden)
        expected_count, expected = _naive(db, scope, hidden)
        assert count == expected_count
        assert [(r.ref, r.value) for r in ranked] == expected


def test_a_window_still_running_is_never_kept(db):
    community = acme_settings().communities[0]
    regulars.ensure(db, community.id, WEEK, 2, community.tz, datetime.fromtimestamp(WEEK.epoch_bounds(community.tz)[0],
                                                                                  community.tz))
    assert db.execute("SELECT count(*) FROM engagement_rollups WHERE period LIKE 'r:%'").fetchone()[0] == 0
