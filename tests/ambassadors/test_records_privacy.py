"""The ambassadors' records under members' rights and the retention period: export shows a member their
proposals and appointment (not another member's), forget-me erases them (and their cards) and keeps the decisions a
forgotten CM took without their id; decided records are erased after `record_retention_days`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.features.ambassadors import feature
from bot.personal_data import FORGOTTEN
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.ambassadors import records
from handlers.ambassadors.migrations import migrations
from handlers.privacy.accounts import Account
from handlers.privacy.export import collect
from handlers.privacy.forget import forget
from handlers.privacy.migrations import migrations as privacy_migrations

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FIGURES = records.Figures(2, 1, 0, 3, 16)
CM = ("discord", "cm1")


@pytest.fixture
def db(tmp_path):
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [privacy_migrations, migrations])
    yield store.db
    store.close()


def proposal(db, member: str, week: str = "2026-W48") -> int:
    records.add_candidates(db, "acme", week, [(("discord", member), FIGURES)], NOW)
    return db.execute("SELECT max(id) FROM ambassador_candidates").fetchone()[0]


def test_export_forget_and_the_decider_kept_anonymous(db):
    bob = proposal(db, "bob")
    records.record_card(db, bob, "discord", "710", "m1")
    assert records.decide(db, bob, records.ACCEPTED, CM, NOW)
    records.appoint(db, "acme", [("discord", "bob")], CM, NOW)
    ann = proposal(db, "ann")
    assert records.decide(db, ann, records.DECLINED, ("discord", "bob"), NOW)  # bob is also a CM of sorts

    document = collect(db, "acme", [Account("discord", "bob")], feature.personal_data, NOW)
    tables = document["tables"]
    assert tables["ambassador_candidates"]["rows"][0][tables["ambassador_candidates"]["columns"].index(
        "first_responses")] == 2
    assert "ambassadors" in tables
    decided = tables["ambassador_candidates.decided_by"]
    assert decided["columns"] == ["community", "decided_platform", "decided_by", "id", "status", "decided_at"]
    assert "ann" not in str(decided["rows"])  # the decision about someone else, without naming them

    forget(db, "acme", [Account("discord", "bob")], feature.personal_data)
    assert db.execute("SELECT count(*) FROM ambassador_candidates WHERE member_id = 'bob'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM ambassadors").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM ambassador_cards").fetchone() == (0,)  # the card went with it
    assert db.execute("SELECT member_id, status, decided_by FROM ambassador_candidates").fetchall() == [
        ("ann", "declined", FORGOTTEN)]


def test_undecided_candidates_expire_and_decided_records_go_after_the_retention_period(db):
    old = proposal(db, "old", "2026-W40")
    db.execute("UPDATE ambassador_candidates SET proposed_at = ? WHERE id = ?",
               [records.stamp(NOW - timedelta(weeks=6)), old])
    db.conn.commit()
    fresh = proposal(db, "fresh")
    assert records.expire_stale(db, "acme", NOW - timedelta(weeks=4), NOW) == [old]
    assert records.get_candidate(db, fresh).status == records.PROPOSED
    assert records.get_candidate(db, old).status == records.EXPIRED

    records.appoint(db, "acme", [("discord", "gone")], CM, NOW - timedelta(days=400))
    records.remove(db, "acme", [("discord", "gone")], CM, NOW - timedelta(days=380))
    records.appoint(db, "acme", [("discord", "stays")], CM, NOW - timedelta(days=400))
    assert records.purge(db, "acme", NOW - timedelta(days=365)) == 1  # the removal 380 days ago
    assert [a.account for a in records.current(db, "acme")] == [("discord", "stays")]
    assert records.purge(db, "acme", NOW + timedelta(days=1)) == 1  # the expired candidate, once past the period
    assert records.get_candidate(db, fresh) is not None  # an undecided candidate is never purged
