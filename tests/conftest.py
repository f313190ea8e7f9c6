"""Shared fixtures: a settings object with one demo community, a real SQLite store in a temp folder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from config.loader import parse_settings

DEMO_TOML = """
[bot]
database = "cmbot.db"

[[communities]]
id = "demo"
name = "Demo"
locale = "fr"
timezone = "Europe/Paris"

[communities.console]
space_id = "console"
channels = { welcome = "welcome", rules = "rules", moderation = "moderation", strategy = "strategy", \
help = ["help"], feedback = ["feedback"] }
roles = { smm = ["smm"], cm = ["cm"], admin = ["admin"] }
"""


@pytest.fixture
def settings():
    return parse_settings(DEMO_TOML, "test.toml")


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "cmbot.db")
    apply_all(opened.db, [])
    yield opened
    opened.close()


@pytest.fixture
def t0() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
