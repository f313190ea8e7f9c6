"""Shared fixtures: a real SQLite store with the calendar's tables, a fake clock, a console-style community."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import SimulatedClock
from bot.store import Store
from bot.store.migrations import apply_all
from config.settings import Settings
from handlers.calendar.migrations import migrations

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "cal.db")
    apply_all(store.db, [migrations])
    yield store
    store.close()


@pytest.fixture
def db(store):
    return store.db


@pytest.fixture
def clock():
    return SimulatedClock(START)


def make_settings(tmp_path, **calendar) -> Settings:
    community = {
        "id": "demo",
        "name": "Demo",
        "locale": "en",
        "timezone": "Europe/Paris",
        "console": {
            "space_id": "console",
            "channels": {"moderation": "moderation", "strategy": "strategy"},
            "roles": {"smm": ["smm"], "cm": ["cm"], "admin": ["admin"]},
        },
        "calendar": calendar,
    }
    return Settings.model_validate({"bot": {"database": str(tmp_path / "bot.db")}, "communities": [community]})
