"""Transactions that are really atomic: `db.atomic()`, never `with db.conn:`.

With sqlite-utils 4 a table method (`insert`, `upsert`, …) commits on its own unless a transaction is already
open, and `with conn:` opens none (Python's sqlite3 begins one only at the first INSERT/UPDATE/DELETE it runs
itself). So a `with db.conn:` block whose first write is a table method commits piece by piece, and a failure
half-way leaves half of it. `db.atomic()` begins the transaction first (a savepoint when one is open), so the
block lands whole or not at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlite_utils

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "schedules")


class Boom(Exception):
    pass


def two_inserts_then_a_failure(db: sqlite_utils.Database) -> None:
    db["things"].insert({"id": 1})
    db["things"].insert({"id": 2})
    raise Boom


def test_a_conn_block_is_not_atomic_and_atomic_is():
    """The reason for the rule, checked on the installed sqlite-utils: should it change, this test says so."""
    db = sqlite_utils.Database(memory=True)
    db["things"].create({"id": int}, pk="id")
    with pytest.raises(Boom), db.conn:
        two_inserts_then_a_failure(db)
    assert db.execute("SELECT count(*) FROM things").fetchone() == (2,)  # half-written: both were committed

    db.execute("DELETE FROM things")
    db.conn.commit()
    with pytest.raises(Boom), db.atomic():
        two_inserts_then_a_failure(db)
    assert db.execute("SELECT count(*) FROM things").fetchone() == (0,)  # nothing half-written


def conn_blocks(source: str) -> list[int]:
    """Lines of `with <anything>.conn:` blocks."""
    return [node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.With | ast.AsyncWith)
            for item in node.items
            if isinstance(item.context_expr, ast.Attribute) and item.context_expr.attr == "conn"]


def test_no_module_uses_the_connection_as_a_transaction():
    modules = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    found = [f"{path.relative_to(ROOT)}:{line}" for path in modules
             for line in conn_blocks(path.read_text(encoding="utf-8"))]
    assert found == [], "use `with db.atomic():` (see this test's docstring)"


def test_the_rule_sees_a_conn_block():
    assert conn_blocks("def f(db):\n    with db.conn:\n        pass\n") == [2]
    assert conn_blocks("def f(db):\n    with db.atomic():\n        pass\n") == []
