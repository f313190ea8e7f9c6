"""The store: migrations fresh and on upgrade, idempotent; the file is private and in WAL mode."""

from __future__ import annotations

import contextlib
import os
import stat

import sqlite_utils
from sqlite_utils.migrations import Migrations

from bot.features import shipped_features
from bot.store import Store
from bot.store.migrations import applied_names, apply_all
from bot.wiring import migrate


def test_fresh_database_gets_every_migration_and_is_private(tmp_path):
    path = tmp_path / "fresh.db"
    store = Store.open(path)
    applied = migrate(store, shipped_features())
    assert "core.m001_spaces_seen" in applied
    assert applied == applied_names(store.db)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    store.close()


def test_migrating_twice_applies_nothing_the_second_time(tmp_path):
    store = Store.open(tmp_path / "twice.db")
    first = migrate(store, shipped_features())
    schema = store.db.schema
    assert migrate(store, shipped_features()) == []
    assert store.db.schema == schema
    assert applied_names(store.db) == first
    store.close()


def test_an_upgrade_runs_only_the_new_migrations_and_keeps_the_data(tmp_path):
    path = tmp_path / "upgrade.db"
    v1 = Migrations("example")

    @v1()
    def m001_create(db: sqlite_utils.Database) -> None:
        db["things"].create({"id": int, "name": str}, pk="id")

    db = Store.open(path).db
    apply_all(db, [v1])
    db["things"].insert({"id": 1, "name": "kept"})
    db.conn.commit()

    v2 = Migrations("example")
    v2()(m001_create)

    @v2()
    def m002_add_colour(db: sqlite_utils.Database) -> None:
        db["things"].add_column("colour", str)

    applied = apply_all(db, [v2])
    assert applied == ["example.m002_add_colour"]
    assert list(db["things"].rows) == [{"id": 1, "name": "kept", "colour": None}]


def test_a_failing_migration_leaves_nothing_half_done(tmp_path):
    db = Store.open(tmp_path / "broken.db").db
    apply_all(db, [])
    broken = Migrations("broken")

    @broken()
    def m001_half(db: sqlite_utils.Database) -> None:
        db["half"].create({"id": int}, pk="id")
        raise RuntimeError("disk on fire")

    with contextlib.suppress(RuntimeError):
        apply_all(db, [broken])
    assert not db["half"].exists()
    assert "broken.m001_half" not in applied_names(db)
