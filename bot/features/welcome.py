"""The welcome front door: greet newcomers once, batch welcomes during join spikes, nudge the silent ones once."""

from __future__ import annotations

from bot.events import MemberJoined, MemberLeft, MessagePosted
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.welcome.followup import FollowUps
from handlers.welcome.migrations import migrations
from handlers.welcome.welcome import Welcomer
from schedules.welcome.nudges import Nudges
from schedules.welcome.raid import RaidWatch
from schedules.welcome.retention import WelcomeRetention


def install(services: Services) -> Welcomer:
    followups = FollowUps(services.store)
    followups.load()
    nudges = Nudges(services.store, services.clock, services.outbox, services.catalogue, services.directory, followups)
    welcomer = Welcomer(
        services.store,
        services.clock,
        services.catalogue,
        services.outbox,
        services.directory,
        services.optouts,
        followups,
    )
    raids = RaidWatch(services.clock, services.wakeups, welcomer.post_batch)
    welcomer.raids = raids
    services.dispatcher.subscribe(MemberJoined, welcomer.on_join)
    services.dispatcher.subscribe(MemberLeft, welcomer.on_leave)
    services.dispatcher.subscribe(MessagePosted, followups.on_message)

    retention = WelcomeRetention(services.store, services.clock, services.directory)

    async def start() -> None:
        nudges.schedule(services.wakeups)
        retention.register(services.wakeups)
        await nudges.run_due()  # catch up on nudges that fell due while the bot was down

    async def stop() -> None:
        await raids.flush_all()

    services.on_start(start)
    services.on_stop(stop)
    return welcomer


feature = Feature(
    name="welcome",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData("welcome_welcomes", "member_id", label="welcome.personal_data.welcome"),
        PersonalData("welcome_followups", "member_id", label="welcome.personal_data.welcome"),
    ),
)
