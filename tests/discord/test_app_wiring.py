"""The Discord platform inside the real App, wired exactly as `cmbot run` does, against the fake."""

from __future__ import annotations

import asyncio
import os
import signal

from bot.app import App, run_until_stopped
from bot.clock import SystemClock
from bot.store import Store
from bot.wakeups import SchedulerWakeups
from tests.discord.conftest import SMM_ROLE, make_platform
from tests.discord.test_wire_events import until
from tests.patience import PATIENCE


def build_app(settings, tmp_path, fake):
    app = App(settings, Store.open(tmp_path / "cmbot.db"), SystemClock(), SchedulerWakeups(), features=[])
    platform = make_platform(fake, settings, app.services.commands)
    app.attach([platform])
    return app, platform


async def test_help_through_the_app_and_clean_stop(fake, discord_settings, tmp_path):
    app, platform = build_app(discord_settings, tmp_path, fake)
    await app.start()
    try:
        assert platform.bot_user_id in app.ignore_bots.own_ids
        payload = fake.command("help", "61", roles=(SMM_ROLE,))
        await fake.dispatch("INTERACTION_CREATE", payload)
        [answer] = await fake.wait_for_request("POST", rf"/interactions/{payload['id']}/{payload['token']}/callback")
        assert "/help" in answer.json["data"]["content"]
        assert answer.json["data"]["flags"] & (1 << 6)
    finally:
        await app.stop()
    assert platform.client.is_closed()
    await until(lambda: fake.connected == 0)


async def test_sigterm_stops_the_discord_client_cleanly(fake, discord_settings, tmp_path):
    app, platform = build_app(discord_settings, tmp_path, fake)
    running = asyncio.create_task(run_until_stopped(app, asyncio.Event()))
    await until(lambda: platform.bot_user_id is not None and fake.connected == 1)

    os.kill(os.getpid(), signal.SIGTERM)

    await asyncio.wait_for(running, timeout=PATIENCE)
    assert platform.client.is_closed()
    await until(lambda: fake.connected == 0)
