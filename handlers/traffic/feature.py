"""The traffic feature's wiring: its tables, its personal data, its CLI group."""

from __future__ import annotations

from bot.feature import Feature, PersonalData
from bot.services import Services
from handlers.traffic.cli import traffic_cli
from handlers.traffic.migrations import INVITES, JOINS, migrations
from schedules.traffic.pull import TrafficPullJob


def install(services: Services) -> None:
    pull = TrafficPullJob(services.store, services.clock, services.settings.communities)

    async def start() -> None:
        pull.register(services.wakeups)

    services.on_start(start)


feature = Feature(
    name="traffic",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData(JOINS, "member_id"),
        PersonalData(INVITES, "created_by", anonymise=True, export_columns=("campaign", "source", "created_at")),
    ),
    cli=traffic_cli,
)
