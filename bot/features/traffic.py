"""The traffic front door: its tables, its personal data, the invite handlers and `/campaign invite`, the daily
pull of the analytics APIs (its command groups are `cmbot traffic` and `cmbot campaigns`)."""

from __future__ import annotations

from bot.events import InviteCreated, InviteDeleted, InvitesSeen
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.traffic.attribution import InviteAttribution
from handlers.traffic.commands import campaign_invite_command
from handlers.traffic.migrations import INVITES, JOINS, migrations
from schedules.traffic.pull import TrafficPullJob


def install(services: Services) -> None:
    attribution = InviteAttribution(services.store, services.optouts)
    services.dispatcher.subscribe(InvitesSeen, attribution.on_invites_seen)
    services.dispatcher.subscribe(InviteCreated, attribution.on_invite_created)
    services.dispatcher.subscribe(InviteDeleted, attribution.on_invite_deleted)
    services.commands.add(campaign_invite_command(services.store, services.outbox, services.clock))
    pull = TrafficPullJob(services.store, services.clock, services.settings.communities)

    async def start() -> None:
        pull.register(services.wakeups)

    services.on_start(start)


feature = Feature(
    name="traffic",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData(JOINS, "member_id", label="traffic.personal_data.joined_through"),
        PersonalData(INVITES, "created_by", anonymise=True, export_columns=("campaign", "source", "created_at"),
                     label="traffic.personal_data.invites_created"),
    ),
)
