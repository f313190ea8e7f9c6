"""The moderation front door: rules on every message, a queue of flags for moderators, reports, alerts.

`install` wires the handlers (posts, edits, joins, buttons, reports), the `moderation stats` command and the
daily purge of excerpts past the retention period.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.events import ButtonClicked, MemberJoined, MessageEdited, MessagePosted, MessageReported
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.moderation.alerts import Alerts
from handlers.moderation.classifier import load_classifier_rule
from handlers.moderation.commands import stats_command
from handlers.moderation.flags import purge_excerpts
from handlers.moderation.migrations import moderation
from handlers.moderation.queue import Queue
from handlers.moderation.reports import Reports
from handlers.moderation.watch import Engines, Watcher

log = logging.getLogger(__name__)
PURGE_JOB = "moderation:purge-excerpts"


def install(services: Services) -> None:
    alerts = Alerts(services.outbox, services.catalogue)
    queue = Queue(services.store, services.outbox, services.catalogue, services.clock, alerts)
    base_dir = services.settings.bot.database.parent
    engines = Engines(base_dir, load_classifier_rule)
    watcher = Watcher(engines, queue, alerts, services.clock)
    reports = Reports(queue, services.catalogue)
    dispatcher = services.dispatcher
    dispatcher.subscribe(MessagePosted, watcher.on_message)
    dispatcher.subscribe(MessageEdited, watcher.on_message)
    dispatcher.subscribe(MemberJoined, watcher.on_join)
    dispatcher.subscribe(ButtonClicked, queue.on_button)
    dispatcher.subscribe(MessageReported, reports.on_report)
    services.commands.add(stats_command(services.store, services.clock))

    async def purge() -> None:
        now = services.clock.now()
        for community in services.settings.communities:
            before = now - timedelta(days=community.moderation.retention_days)
            cleared = await services.store.run(lambda db, c=community.id, b=before: purge_excerpts(db, c, b))
            if cleared:
                log.info("moderation: cleared %d excerpt(s) of %s older than %s", cleared, community.id, before)

    async def schedule_purge() -> None:
        services.wakeups.add(PURGE_JOB, CronTrigger(hour=3, minute=17, timezone="UTC"), purge,
                             misfire_grace=timedelta(hours=12))  # fmt: skip
        await purge()  # catch up at start: a bot that was down at 03:17 still honours the retention

    services.on_start(schedule_purge)


feature = Feature(
    name="moderation",
    migrations=moderation,
    install=install,
    personal_data=(
        # A flagged member's export never names who reported them or which moderator decided.
        PersonalData("moderation_flags", "member_id", hidden_columns=("reporter_id", "decided_by")),
        # The reporter and the moderator are only mentioned by a flag about someone else: the flag stays.
        PersonalData("moderation_flags", "reporter_id", anonymise=True, export_columns=("id", "created_at")),
        PersonalData("moderation_flags", "decided_by", anonymise=True,
                     export_columns=("id", "status", "decided_at")),
        PersonalData("moderation_flag_actions", "by", anonymise=True, export_columns=("flag_id", "action", "at")),
    ),
)
