"""A member's export holds their own rows whole, and of rows that only mention them, just what is about them."""

from __future__ import annotations

import sqlite_utils

from bot.personal_data import PersonalData
from handlers.privacy.accounts import Account
from handlers.privacy.export import collect


def test_a_reporter_gets_the_fact_of_the_report_not_the_reported_words(tmp_path, t0):
    db = sqlite_utils.Database(tmp_path / "x.db")
    db["flags"].insert({"id": 1, "community": "demo", "platform": "console", "member_id": "bob",
                        "excerpt": "bob's words", "reporter_id": "alice", "created_at": "2026-11-23T10:00:00+00:00"})
    declarations = [
        PersonalData("flags", "member_id", hidden_columns=("reporter_id",)),
        PersonalData("flags", "reporter_id", anonymise=True, export_columns=("id", "created_at")),
    ]
    alice = collect(db, "demo", [Account("console", "alice")], declarations, t0)
    assert list(alice["tables"]) == ["flags.reporter_id"]
    entry = alice["tables"]["flags.reporter_id"]
    assert entry["columns"] == ["community", "platform", "reporter_id", "id", "created_at"]
    assert "bob" not in str(entry["rows"])
    bob = collect(db, "demo", [Account("console", "bob")], declarations, t0)
    flag = dict(zip(bob["tables"]["flags"]["columns"], bob["tables"]["flags"]["rows"][0], strict=True))
    assert flag["excerpt"] == "bob's words"  # his own flag…
    assert "reporter_id" not in flag and "alice" not in str(bob)  # …without who reported it
