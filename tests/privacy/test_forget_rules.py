"""forget() on a hand-built schema: cascades through foreign keys, anonymises mentions, refuses bad declarations."""

from __future__ import annotations

import pytest

from bot.personal_data import FORGOTTEN, PersonalData
from handlers.privacy.accounts import Account
from handlers.privacy.forget import count_rows, forget
from handlers.privacy.tables import DeclarationError

ANN = Account("discord", "111")
FLAGS = (PersonalData("flags", "member_id"), PersonalData("flags", "reporter_id", anonymise=True))


@pytest.fixture
def db(store):
    db = store.db
    db["flags"].create({"id": int, "community": str, "platform": str, "member_id": str, "reporter_id": str}, pk="id")
    db["flag_notes"].create({"id": int, "flag_id": int}, pk="id", foreign_keys=[("flag_id", "flags", "id")])
    db["flags"].insert_all([
        {"id": 1, "community": "demo", "platform": "discord", "member_id": "111", "reporter_id": "222"},
        {"id": 2, "community": "demo", "platform": "discord", "member_id": "222", "reporter_id": "111"},
        {"id": 3, "community": "other", "platform": "discord", "member_id": "111", "reporter_id": "222"},
        {"id": 4, "community": "demo", "platform": "slack", "member_id": "111", "reporter_id": "222"},
    ])
    db["flag_notes"].insert_all([{"id": 10, "flag_id": 1}, {"id": 11, "flag_id": 2}])
    return db


def test_the_members_flags_go_with_their_notes_and_their_reports_lose_their_name(db):
    assert count_rows(db, "demo", [ANN], FLAGS) == {"flags": 2, "flag_notes": 1}
    assert db["flags"].count == 4  # counting changed nothing
    assert forget(db, "demo", [ANN], FLAGS) == {"flags": 2, "flag_notes": 1}
    remaining = {r["id"]: r for r in db["flags"].rows}
    assert sorted(remaining) == [2, 3, 4]  # another community, another platform: not this account
    assert remaining[2]["reporter_id"] == FORGOTTEN and remaining[2]["member_id"] == "222"
    assert [r["id"] for r in db["flag_notes"].rows] == [11]


def test_a_declaration_naming_a_missing_column_is_an_error_not_a_silent_skip(db):
    with pytest.raises(DeclarationError, match="author_id"):
        forget(db, "demo", [ANN], [PersonalData("flags", "author_id")])
    assert db["flags"].count == 4


def test_a_table_not_created_yet_is_skipped(db):
    assert forget(db, "demo", [ANN], [PersonalData("not_migrated", "member_id")]) == {}
