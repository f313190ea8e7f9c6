"""The membership roll-up answers "whose last join or leave before this instant was which" exactly as a scan of
the raw log does, whatever the marks, late rows, same-second changes, purges and platform filters; and once the
mark is set, a report's question reads the same amount of the log whether it holds a thousand old joins or ten
times more (work counted in SQLite's virtual-machine steps, never timed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.features.engagement import feature
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.engagement import membership
from handlers.engagement.migrations import EVENTS

START = 1_700_000_000
DAY = 86_400


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "membership.db")
    apply_all(opened.db, [feature.migrations])
    yield opened
    opened.close()


def _insert(db, rows) -> None:
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO {EVENTS} (community, platform, channel_id, member_id, kind, at) VALUES (?, ?, '', ?, ?, ?)",
            rows)


def _naive(db, community: str, instant: int, platform: str | None = None) -> dict[tuple[str, str], str]:
    extra, params = (" AND platform = ?", [platform]) if platform else ("", [])
    last: dict[tuple[str, str], str] = {}
    for p, m, k in db.execute(
        f"SELECT platform, member_id, kind FROM {EVENTS} WHERE community = ? AND kind IN ('join', 'leave')"
        f" AND at < ?{extra} ORDER BY at, kind", [community, instant, *params]):
        last[(p, m)] = k
    return last


_rows = st.lists(st.tuples(st.sampled_from(["acme", "other"]), st.sampled_from(["discord", "slack"]),
                           st.sampled_from([f"m{i}" for i in range(6)]), st.sampled_from(["join", "leave", "message"]),
                           st.integers(0, 40)), max_size=40)
_steps = st.lists(st.one_of(
    st.tuples(st.just("advance"), st.integers(0, 45)),
    st.tuples(st.just("late"), _rows),  # rows written after the mark passed them (the writer reopens)
    st.tuples(st.just("purge"), st.integers(0, 45)),
), max_size=6)


@settings(max_examples=60, deadline=None)
@given(rows=_rows, steps=_steps, instants=st.lists(st.integers(0, 50), min_size=1, max_size=5),
       platform=st.sampled_from([None, "discord", "slack"]))
def test_last_changes_match_a_scan_of_the_raw_log(tmp_path_factory, rows, steps, instants, platform):
    store = Store.open(tmp_path_factory.mktemp("m") / "m.db")
    apply_all(store.db, [feature.migrations])
    db = store.db
    try:
        _insert(db, [(c, p, m, k, START + at) for c, p, m, k, at in rows])
        for action, value in steps:
            if action == "advance":
                membership.advance(db, "acme", START + value)
            elif action == "late":
                _insert(db, [(c, p, m, k, START + at) for c, p, m, k, at in value])
                for community in {c for c, *_ in value}:
                    earliest = min(at for c, _, _, _, at in value if c == community)
                    membership.reopen_after(db, community, START + earliest)
            else:  # the retention purge: old rows leave the log, then their roll-up rows
                with db.conn:
                    db.execute(f"DELETE FROM {EVENTS} WHERE community = 'acme' AND at < ?", [START + value])
                    membership.purge_before(db, "acme", START + value)
        where, params = (" AND platform = ?", [platform]) if platform else ("", [])
        for instant in instants:
            assert membership.last_changes(db, "acme", START + instant, where, params) == _naive(
                db, "acme", START + instant, platform)
    finally:
        store.close()


def _steps_for_question(db, instant: int) -> int:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    db.conn.set_progress_handler(count, 1)
    try:
        membership.last_changes(db, "acme", instant)
    finally:
        db.conn.set_progress_handler(None, 1)
    return steps


def test_a_question_after_the_mark_reads_the_roll_up_and_the_recent_rows_only(store):
    db = store.db
    members = [f"m{i}" for i in range(200)]
    recent = [("acme", "discord", m, "leave", START + 400 * DAY + i) for i, m in enumerate(members[:20])]
    work = []
    for old_rows in (2_000, 20_000):  # the same members joining and leaving, ten times more often
        with db.conn:
            db.execute(f"DELETE FROM {EVENTS}")
            db.execute("DELETE FROM engagement_membership")
            db.execute("DELETE FROM engagement_membership_marks")
        _insert(db, [("acme", "discord", members[i % 200], ("join", "leave")[(i // 200) % 2], START + i * 300)
                     for i in range(old_rows)])
        _insert(db, recent)
        membership.advance(db, "acme", START + 399 * DAY)
        assert membership.last_changes(db, "acme", START + 401 * DAY) == _naive(db, "acme", START + 401 * DAY)
        work.append(_steps_for_question(db, START + 401 * DAY))
    assert work[1] < 1.2 * work[0]  # flat: a scan of the raw log would do ten times the work
    assert work[0] < 200 * 60  # of the order of the accounts, not of the rows


def test_a_question_before_the_mark_falls_back_to_the_raw_log(store):
    db = store.db
    _insert(db, [("acme", "discord", "m1", "join", START), ("acme", "discord", "m1", "leave", START + 10)])
    membership.advance(db, "acme", START + 20)
    assert membership.last_changes(db, "acme", START + 5) == {("discord", "m1"): "join"}
    assert membership.last_changes(db, "acme", START + 20) == {("discord", "m1"): "leave"}


def test_at_the_same_second_a_leave_follows_a_join(store):
    db = store.db
    _insert(db, [("acme", "slack", "m1", "leave", START), ("acme", "slack", "m1", "join", START)])
    membership.advance(db, "acme", START + 1)
    assert membership.last_changes(db, "acme", START + 1) == {("slack", "m1"): "leave"}
