"""The privacy feature: forget-me, export, opt-out and account links, for members and for admins."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.feature import Feature, PersonalData
from bot.services import Services
from handlers.privacy.cli import privacy_cli
from handlers.privacy.commands import PrivacyCommands
from handlers.privacy.forget import purge_kept_sanctions
from handlers.privacy.migrations import migrations

log = logging.getLogger(__name__)


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

    async def purge() -> None:
        now = services.clock.now()
        gone = await services.store.run(lambda db: purge_kept_sanctions(db, now))
        if gone:
            log.info("privacy: erased %d sanctions of forgotten members, their keeping period over", gone)

    async def start() -> None:
        services.wakeups.add("privacy:kept-sanctions", CronTrigger(hour=3, minute=41, timezone="UTC"), purge,
                             misfire_grace=timedelta(hours=12))

    services.on_start(start)
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
