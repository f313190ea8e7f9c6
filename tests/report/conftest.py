"""Fixtures for the report tests: a real SQLite store with the core, calendar and engagement tables."""

from __future__ import annotations

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.migrations import migrations as calendar_migrations
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.feedback.migrations import migrations as feedback_migrations
from tests.report.dataset import acme_settings


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "cmbot.db")
    apply_all(opened.db, [calendar_migrations, engagement_migrations, feedback_migrations])
    yield opened
    opened.close()


@pytest.fixture
def db(store):
    return store.db


@pytest.fixture
def acme():
    return acme_settings().communities[0]
