"""The moderation front door: rules on every message, a queue of flags for moderators, reports, alerts.

`install` wires the handlers (posts, edits, joins, buttons, reports), the `moderation stats` command, the
nightly purge of excerpts past the retention period (`schedules.moderation.purge`) and the store's memory of
the domains each community has seen linked (`schedules.moderation.seen_domains`) and the periodic digest of
observations, the flags of rules in shadow mode (`schedules.moderation.digest`).
"""

from __future__ import annotations

from bot.events import ButtonClicked, MemberJoined, MessageEdited, MessagePosted, MessageReported
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.moderation.alerts import Alerts
from handlers.moderation.classifier import load_classifier_rule
from handlers.moderation.commands import stats_command
from handlers.moderation.migrations import moderation
from handlers.moderation.queue import Queue
from handlers.moderation.reports import Reports
from handlers.moderation.seen_domains import SeenDomainsBook
from handlers.moderation.watch import Engines, Watcher
from schedules.moderation.digest import ObservationDigest
from schedules.moderation.purge import ExcerptPurge
from schedules.moderation.seen_domains import SeenDomainsKeeper


def install(services: Services) -> None:
    alerts = Alerts(services.catalogue)
    queue = Queue(services.store, services.outbox.can, services.catalogue, services.clock, alerts)
    base_dir = services.settings.bot.database.parent
    seen_domains = SeenDomainsBook()
    engines = Engines(base_dir, load_classifier_rule, seen_domains)
    watcher = Watcher(engines, queue, alerts, services.clock)
    reports = Reports(queue, services.catalogue)
    dispatcher = services.dispatcher
    dispatcher.subscribe(MessagePosted, watcher.on_message)
    dispatcher.subscribe(MessageEdited, watcher.on_message)
    dispatcher.subscribe(MemberJoined, watcher.on_join)
    dispatcher.subscribe(ButtonClicked, queue.on_button)
    dispatcher.subscribe(MessageReported, reports.on_report)
    services.commands.add(stats_command(services.store, services.clock))

    purge = ExcerptPurge(services.store, services.clock, services.settings.communities, services.outbox, queue,
                         services.catalogue)
    keeper = SeenDomainsKeeper(services.store, services.clock, services.settings.communities, seen_domains)
    digest = ObservationDigest(services.store, services.clock, services.outbox, services.catalogue,
                               services.settings.communities)

    async def start() -> None:
        await purge.start(services.wakeups)
        await keeper.start(services.wakeups)
        await digest.start(services.wakeups)

    async def write_seen_domains() -> None:
        await keeper.flush()

    services.on_start(start)
    services.on_flush(write_seen_domains)
    services.on_stop(write_seen_domains)
    services.on_flush(queue.flush_cards)  # card references kept in memory reach the store
    services.on_stop(queue.flush_cards)


feature = Feature(
    name="moderation",
    migrations=moderation,
    install=install,
    personal_data=(
        # A flagged member's export never names who reported them or which moderator decided.
        PersonalData("moderation_flags", "member_id", hidden_columns=("reporter_id", "decided_by"),
                     label="moderation.personal_data.flagged"),
        # The reporter and the moderator are only mentioned by a flag about someone else: the flag stays.
        PersonalData("moderation_flags", "reporter_id", anonymise=True, export_columns=("id", "created_at"),
                     label="moderation.personal_data.reports"),
        PersonalData("moderation_flags", "decided_by", anonymise=True,
                     export_columns=("id", "status", "decided_at"), label="moderation.personal_data.decisions"),
        PersonalData("moderation_flag_actions", "by", anonymise=True, export_columns=("flag_id", "action", "at"),
                     label="moderation.personal_data.decisions"),
    ),
)
