"""Forget-me erases a member's data but not the moderation sanctions of the last `keep_sanctions_days`: those
stay, stripped of the message's words and link, with the member's platform id only, until their time is up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.personal_data import PersonalData
from bot.store.migrations import apply_all
from handlers.moderation.migrations import moderation as moderation_migrations
from handlers.privacy.accounts import Account
from handlers.privacy.forget import KEPT_COUNT, KeepSanctions, count_rows, forget, purge_kept_sanctions
from handlers.privacy.migrations import migrations as privacy_migrations

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TROLL = Account("discord", "666")
DECLARED = (PersonalData("moderation_flags", "member_id"),
            PersonalData("moderation_flags", "reporter_id", anonymise=True))


@pytest.fixture
def db(store):
    apply_all(store.db, [moderation_migrations, privacy_migrations])
    flag = {"community": "demo", "platform": "discord", "member_id": "666", "excerpt": "you are all idiots",
            "link": "https://discord.com/channels/1/2/3", "auto_action": "flag"}
    store.db["moderation_flags"].insert_all([
        {**flag, "id": 1, "status": "warned", "created_at": (NOW - timedelta(days=10)).isoformat()},
        {**flag, "id": 2, "status": "dismissed", "created_at": (NOW - timedelta(days=9)).isoformat()},
        {**flag, "id": 3, "status": "timed_out", "created_at": (NOW - timedelta(days=400)).isoformat()},
        {**flag, "id": 4, "status": "deleted", "created_at": (NOW - timedelta(days=5)).isoformat(),
         "member_id": "777"},
    ])
    store.db["moderation_flag_rules"].insert({"flag_id": 1, "rule": "terms", "severity": "high", "shadow": 0})
    return store.db


def test_a_recent_sanction_outlives_forget_me_stripped_of_words(db):
    keep = KeepSanctions.for_days(365, NOW)
    preview = count_rows(db, "demo", [TROLL], DECLARED, keep)
    assert preview[KEPT_COUNT] == 1 and preview["moderation_flags"] == 2
    counts = forget(db, "demo", [TROLL], DECLARED, keep)
    assert counts[KEPT_COUNT] == 1
    rows = {r["id"]: r for r in db["moderation_flags"].rows}
    assert set(rows) == {1, 4}  # the warning stays; the dismissed flag and the year-old timeout go
    assert rows[1]["member_id"] == "666" and rows[1]["status"] == "warned"
    assert rows[1]["excerpt"] is None and rows[1]["link"] is None
    assert db["moderation_flag_rules"].count == 1  # which rule it broke stays with it


def test_kept_sanctions_are_erased_when_their_time_is_up(db):
    forget(db, "demo", [TROLL], DECLARED, KeepSanctions.for_days(365, NOW))
    assert purge_kept_sanctions(db, NOW + timedelta(days=364)) == 0
    assert purge_kept_sanctions(db, NOW + timedelta(days=366)) == 1
    assert {r["id"] for r in db["moderation_flags"].rows} == {4}  # someone else's sanction is not touched
    assert db["moderation_flag_rules"].count == 0 and db["privacy_kept_sanctions"].count == 0


def test_without_keeping_everything_goes(db):
    forget(db, "demo", [TROLL], DECLARED)
    assert {r["id"] for r in db["moderation_flags"].rows} == {4}


async def test_the_forget_me_answer_says_what_is_kept(make_harness):
    from bot.features import shipped_features
    from tests.privacy.conftest import command

    harness = await make_harness(features=shipped_features())
    await harness.join("troll")
    await harness.join("angel")
    now = harness.clock.now().isoformat()
    harness.store.db["moderation_flags"].insert({
        "community": "demo", "platform": "console", "member_id": "troll", "excerpt": "x", "link": "console://g/m1",
        "auto_action": "flag", "status": "warned", "created_at": now})
    [asked] = await command(harness, "troll", "privacy forget-me")
    assert "1 moderation sanction" in asked and "365" in asked
    assert "the moderation flags on your messages" not in asked  # the kept sanction is told apart
    [done] = await command(harness, "troll", "privacy forget-me confirm=yes")
    assert "1 moderation sanction" in done and "365" in done
    [clean] = await command(harness, "angel", "privacy forget-me")
    assert "sanction" not in clean  # nothing kept: no sentence about « 0 sanction »
    await harness.stop()
