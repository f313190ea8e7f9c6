"""The privacy feature: forget-me, export, opt-out and account links, for members and for admins."""

from __future__ import annotations

from bot.feature import Feature, PersonalData
from bot.services import Services
from handlers.privacy.cli import privacy_cli
from handlers.privacy.commands import PrivacyCommands
from handlers.privacy.migrations import migrations


def install(services: Services) -> PrivacyCommands:
    commands = PrivacyCommands(
        services.store,
        services.clock,
        services.optouts,
        services.outbox,
        services.catalogue,
        services.personal_data,
        services.flush_pending,
    )
    for spec in commands.specs():
        services.commands.add(spec)
    return commands


feature = Feature(
    name="privacy",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData("privacy_links", "member_id"),
        PersonalData("privacy_link_codes", "member_id"),
    ),
    cli=privacy_cli,
)
