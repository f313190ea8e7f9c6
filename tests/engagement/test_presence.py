"""The first-activity roll-up answers "who was active before this instant" exactly as a scan of the raw log does,
whatever the marks, late rows, purges and platform filters; and the first roll-up of a log says how far it got."""

from __future__ import annotations

import random

import pytest

from bot.features.engagement import feature
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.engagement import presence
from handlers.engagement.migrations import EVENTS

DAY = 86_400
KINDS = ("message", "reply", "reaction", "join", "leave")


@pytest.fixture
def db(tmp_path):
    store = Store.open(tmp_path / "presence.db")
    apply_all(store.db, [feature.migrations])
    yield store.db
    store.close()


def _insert(db, rows) -> None:
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO {EVENTS} (community, platform, channel_id, member_id, kind, at) VALUES (?, ?, 'c', ?, ?, ?)",
            rows)


def _random_rows(rng: random.Random, count: int, start: int, span: int):
    return [(rng.choice(("acme", "other")), rng.choice(("discord", "slack")), f"m{rng.randrange(40)}",
             rng.choice(KINDS), start + rng.randrange(span)) for _ in range(count)]


def _naive(db, community: str, instant: int, platform: str | None = None) -> set[tuple[str, str]]:
    extra, params = (" AND platform = ?", [platform]) if platform else ("", [])
    return set(db.execute(
        f"SELECT DISTINCT platform, member_id FROM {EVENTS} WHERE community = ?"
        f" AND kind IN ('message', 'reply', 'reaction') AND at < ?{extra}", [community, instant, *params]
    ).fetchall())


@pytest.mark.parametrize("seed", range(12))
def test_active_before_matches_a_scan_of_the_raw_log(db, seed):
    rng = random.Random(seed)
    start = 1_700_000_000
    _insert(db, _random_rows(rng, 400, start, 120 * DAY))
    for _ in range(4):
        action = rng.random()
        if action < 0.4:
            presence.advance(db, "acme", start + rng.randrange(130 * DAY))
        elif action < 0.7:  # a late row, before wherever the mark is
            at = start + rng.randrange(120 * DAY)
            _insert(db, [("acme", "discord", f"late{rng.randrange(3)}", "message", at)])
            presence.reopen_after(db, "acme", at)
        else:
            _insert(db, _random_rows(rng, 50, start + 100 * DAY, 40 * DAY))
        for _ in range(5):
            instant = start + rng.randrange(-DAY, 145 * DAY)
            for platform in (None, "discord"):
                where, params = (" AND platform = ?", [platform]) if platform else ("", [])
                assert presence.active_before(db, "acme", instant, where, params) == _naive(db, "acme", instant,
                                                                                          platform)


def test_the_first_roll_up_reports_its_progress_and_resumes_from_its_mark(db):
    start = 1_700_000_000
    _insert(db, [("acme", "discord", f"m{i}", "message", start + i * DAY) for i in range(180)])
    seen: list[tuple[int, int]] = []
    slices = presence.advance(db, "acme", start + 180 * DAY, lambda done, total: seen.append((done, total)))
    assert slices == len(seen) == 5 and seen[-1] == (5, 5)  # six weeks each
    assert presence.covered_until(db, "acme") == start + 180 * DAY
    assert presence.advance(db, "acme", start + 180 * DAY) == 0  # nothing left to read
    assert presence.active_before(db, "acme", start + 10 * DAY) == {("discord", f"m{i}") for i in range(10)}


def test_a_purge_drops_accounts_whose_every_activity_was_purged(db):
    start = 1_700_000_000
    _insert(db, [("acme", "discord", "gone", "message", start), ("acme", "discord", "kept", "message", start),
                 ("acme", "discord", "kept", "reply", start + 30 * DAY)])
    presence.advance(db, "acme", start + 40 * DAY)
    assert presence.purge_before(db, "acme", start + 10 * DAY) == 1
    assert presence.active_before(db, "acme", start + 40 * DAY) == {("discord", "kept")}
