"""Erasing a row first erases the rows of other tables that point at it, through single and compound keys."""

from __future__ import annotations

from collections import Counter

import sqlite_utils

from handlers.privacy.forget import _children, _delete


def _database() -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    db.execute("CREATE TABLE visits (community TEXT, member TEXT, n INTEGER, PRIMARY KEY (community, member))")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, community TEXT, member TEXT,"
               " FOREIGN KEY (community, member) REFERENCES visits (community, member))")
    db.execute("CREATE TABLE marks (id INTEGER PRIMARY KEY, note_id INTEGER REFERENCES notes (id))")
    db.table("visits").insert_all([{"community": "c", "member": "zed", "n": 1},
                                   {"community": "c", "member": "amy", "n": 2}])
    db.table("notes").insert_all([{"id": 1, "community": "c", "member": "zed"},
                                  {"id": 2, "community": "c", "member": "amy"}])
    db.table("marks").insert_all([{"id": 10, "note_id": 1}, {"id": 20, "note_id": 2}])
    return db


def test_rows_pointing_through_a_compound_key_go_first_and_only_theirs():
    db = _database()
    counts: Counter[str] = Counter()
    with db.conn:
        _delete(db, "visits", "member = ?", ["zed"], _children(db), counts)
    assert [r["member"] for r in db.table("visits").rows] == ["amy"]
    assert [r["id"] for r in db.table("notes").rows] == [2]
    assert [r["id"] for r in db.table("marks").rows] == [20]
    assert counts == Counter({"visits": 1, "notes": 1, "marks": 1})
