"""The privacy front door: forget-me, export, opt-out and account links, for members and for admins."""

from __future__ import annotations

from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.privacy.commands import PrivacyCommands
from handlers.privacy.migrations import migrations
from schedules.privacy.kept_sanctions import KeptSanctionsPurge


def install(services: Services) -> PrivacyCommands:
    commands = PrivacyCommands(
        services.store,
        services.clock,
        services.optouts,
        services.outbox,
        services.catalogue,
        services.personal_data,
        services.flush_pending,
        services.forget_hooks,
        services.forget_steps,
    )
    for spec in commands.specs():
        services.commands.add(spec)
    purge = KeptSanctionsPurge(services.store, services.clock)

    async def start() -> None:
        purge.register(services.wakeups)

    services.on_start(start)
    return commands


feature = Feature(
    name="privacy",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData("privacy_links", "member_id", label="privacy.personal_data.links"),
        PersonalData("privacy_link_codes", "member_id", label="privacy.personal_data.links"),
    ),
)
