"""Shared fixtures: a settings object with one demo community, a real SQLite store in a temp folder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, settings

from bot.store import Store
from bot.store.migrations import apply_all
from config.loader import parse_settings

# Property tests: a bounded, derandomised run by default (CI, the README's test command), so that a commit's
# verdict depends on the commit alone and not on the draw; `--hypothesis-profile=long` for a deeper, random local
# search, whose finds are kept as `@example`s. Deadlines are off: examples run a real SQLite database, whose speed
# varies with the load.
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

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
