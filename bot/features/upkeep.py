"""The core's upkeep front door: forgetting handled event ids once no platform can deliver them again."""

from __future__ import annotations

from bot.services import Services
from bot.wiring import Feature
from schedules.seen_events import install_seen_events_purge


def install(services: Services) -> None:
    services.on_start(install_seen_events_purge(services.store, services.clock, services.wakeups))


feature = Feature(name="upkeep", install=install)
