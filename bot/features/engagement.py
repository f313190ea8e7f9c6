"""The engagement front door: the log of who did what and when (never what was said), the weekly strategy
report and `/report`, and the nightly roll-ups and retention purge."""

from __future__ import annotations

from pathlib import Path

from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.engagement.log import BatchedWriter, EngagementLog
from handlers.engagement.migrations import (
    EVENTS,
    FIRST_ACTIVE,
    MEMBER_WEEKS,
    MEMBERSHIP,
    REGULARS,
    STAFF,
    WEEK_HELPFULNESS,
    WEEK_RESPONDERS,
    WEEK_SLIPPING,
    WEEK_UNANSWERED,
    migrations,
)
from schedules.engagement.upkeep import RetentionJob
from schedules.report.command import report_command
from schedules.report.job import ReportJob


def install(services: Services) -> None:
    communities = list(services.settings.communities)
    writer = BatchedWriter(
        services.store,
        flush_events=min(c.engagement.flush_events for c in communities),
        flush_seconds=min(c.engagement.flush_seconds for c in communities),
    )
    handlers = EngagementLog(writer, services.optouts)
    for event_type, handler in handlers.subscriptions():
        services.dispatcher.subscribe(event_type, handler)
    chart_dir = Path(services.settings.bot.database).parent / "reports"
    job = ReportJob(services.store, services.clock, services.outbox, services.catalogue, communities,
                    writer.flush, chart_dir)
    retention = RetentionJob(services.store, services.clock, communities, writer.flush)
    services.commands.add(report_command(job, services.clock))

    async def start() -> None:
        await writer.start()
        job.register(services.wakeups)
        retention.register(services.wakeups)
        await job.catch_up()

    services.on_start(start)
    services.on_flush(writer.flush)
    services.on_stop(writer.stop)


feature = Feature(
    name="engagement",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData(EVENTS, "member_id", label="engagement.personal_data.activity"),
        PersonalData(MEMBER_WEEKS, "member_id", label="engagement.personal_data.activity"),
        PersonalData(FIRST_ACTIVE, "member_id", label="engagement.personal_data.activity"),
        PersonalData(MEMBERSHIP, "member_id", label="privacy.personal_data.member"),
        PersonalData(REGULARS, "member_id", label="engagement.personal_data.regular"),
        PersonalData(WEEK_SLIPPING, "member_id", label="engagement.personal_data.regular"),
        PersonalData(WEEK_HELPFULNESS, "member_id", label="engagement.personal_data.activity"),
        PersonalData(WEEK_UNANSWERED, "member_id", label="engagement.personal_data.activity"),
        PersonalData(WEEK_RESPONDERS, "member_id", label="engagement.personal_data.activity"),
        PersonalData(STAFF, "member_id", label="engagement.personal_data.staff"),
    ),
)
