"""Run the bot with only the calendar on Discord, pointed at a local fake: the crash test's subprocess.

Usage: python -m tests.calendar.discord_bot CONFIG API_BASE GATEWAY_URL [PAUSE_POINT]. Stops on SIGTERM; with a
pause point, delivery stops there (see `tests.calendar.pause`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.app import App, run_until_stopped
from bot.clock import SystemClock
from bot.features.calendar import feature
from bot.platforms.discord import DiscordPlatform
from bot.store import Store
from bot.wakeups import SchedulerWakeups
from config.loader import load_settings
from tests.calendar.pause import install


async def main(config: Path, api_base: str, gateway_url: str) -> None:
    settings = load_settings(config)
    app = App(settings, Store.open(settings.bot.database), SystemClock(), SchedulerWakeups(), features=[feature])
    services = app.services
    app.attach([DiscordPlatform("fake-token", settings, services.commands, services.catalogue, api_base=api_base,
                                gateway_url=gateway_url, sync_commands=False)])
    await run_until_stopped(app, asyncio.Event())


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if len(sys.argv) > 4:
        install(sys.argv[4])
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3]))
