"""Fixtures: the Slack fake, and the tiny bot around the real SlackPlatform in Socket Mode or HTTP mode."""

from __future__ import annotations

import pytest

from tests.fakes.slack_fake import SlackFake
from tests.slack.harness import ADMIN_GROUP, build_harness


@pytest.fixture
async def fake():
    slack = SlackFake()
    await slack.start()
    slack.add_user("UADA", "Ada")
    slack.add_user("UBOB", "Bob")
    slack.add_user("UROOT", "Root")
    slack.add_usergroup(ADMIN_GROUP, ["UROOT"])
    yield slack
    await slack.stop()


@pytest.fixture
async def socket_bot(store, fake):
    harness = await build_harness(store, fake, watchdog_interval=0.05, ping_interval=0.5)
    yield harness
    await harness.platform.stop()


@pytest.fixture
async def http_bot(store, fake):
    harness = await build_harness(store, fake, http=True)
    yield harness
    await harness.platform.stop()
