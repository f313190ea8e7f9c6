"""Fixtures of the traffic tests: a store with the traffic (and engagement) tables, a community on Discord and
Slack whose links cmbot tags with utm_source = discord or slack."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from config.loader import parse_settings
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.traffic.migrations import migrations as traffic_migrations

DATA = Path(__file__).parent / "data"

TRAFFIC_TOML = """
[bot]
database = "cmbot.db"

[[communities]]
id = "brand"
name = "Brand"
locale = "fr"
timezone = "Europe/Paris"

[communities.discord]
space_id = "100"
channels = { strategy = "500", welcome = "501" }

[communities.slack]
space_id = "T1"
channels = { strategy = "C5" }
"""


@pytest.fixture
def traffic_settings():
    return parse_settings(TRAFFIC_TOML, "test.toml")


@pytest.fixture
def community(traffic_settings):
    return traffic_settings.communities[0]


@pytest.fixture
def traffic_store(tmp_path):
    opened = Store.open(tmp_path / "cmbot.db")
    apply_all(opened.db, [engagement_migrations, traffic_migrations])
    yield opened
    opened.close()
