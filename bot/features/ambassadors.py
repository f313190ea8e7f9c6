"""The ambassadors front door: the weekly card of candidates, the CMs' decisions, `/ambassadors`, the monthly
thank-you draft, and the ambassadors' personal data (export, forget-me, retention)."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger

from bot.events import ButtonClicked
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.ambassadors.appointing import Appointments
from handlers.ambassadors.buttons import AmbassadorButtons
from handlers.ambassadors.commands import AmbassadorCommands
from handlers.ambassadors.migrations import AMBASSADORS, CANDIDATES, migrations
from handlers.ambassadors.revocations import RoleRevocations, forget_step
from handlers.calendar.cards import ReviewCards
from handlers.calendar.desk import Desk
from schedules.ambassadors.rounds import CandidateRounds
from schedules.ambassadors.thanks import MonthlyThanks

REVOCATIONS_JOB = "ambassadors:revocations"


def install(services: Services) -> None:
    communities = list(services.settings.communities)
    revocations = RoleRevocations(services.store, services.clock, services.outbox, services.catalogue, communities)
    appointments = Appointments(services.store, services.clock, services.outbox, services.catalogue, revocations)
    buttons = AmbassadorButtons(appointments, services.catalogue)
    services.dispatcher.subscribe(ButtonClicked, buttons.on_click)
    services.on_forget(appointments.forgotten)  # forget-me takes the ambassador role back (queued by its step)
    for spec in AmbassadorCommands(services.store, services.clock, appointments).specs():
        services.commands.add(spec)
    rounds = CandidateRounds(services.store, services.clock, services.outbox, services.catalogue, communities,
                             appointments, services.flush_pending)
    thanks = MonthlyThanks(services.store, services.clock, services.catalogue, communities,
                           calendar_desk(services), services.flush_pending)

    async def start() -> None:
        rounds.register(services.wakeups)
        thanks.register(services.wakeups)
        # Roles still to take back (a platform was down, or `cmbot privacy forget` ran with none connected):
        # now, then every minute for those whose back-off is over.
        every = timedelta(minutes=1)
        services.wakeups.add(REVOCATIONS_JOB, IntervalTrigger(minutes=1, start_date=services.clock.now() + every),
                             revocations.retry_due, misfire_grace=every)
        await revocations.retry_due()
        await rounds.catch_up()
        await thanks.catch_up()

    services.on_start(start)


def calendar_desk(services: Services) -> Desk:
    """The calendar's desk, for the monthly draft: it writes the post and posts its review card. The draft always
    waits for approval, so it needs no wake-up of its own: the calendar schedules it when a CM approves it (and
    its sweep and start-up rebuild cover the rest)."""

    def no_wake_up(post_id: int, due: object) -> None:
        return None

    async def never_sent_from_here(post_id: int) -> None:
        raise RuntimeError("the monthly thank-you is never published without approval")

    return Desk(services.store, services.clock, services.outbox, no_wake_up, never_sent_from_here,
                ReviewCards(services.store, services.outbox, services.catalogue))


feature = Feature(
    name="ambassadors",
    migrations=migrations,
    install=install,
    forget_steps=(forget_step,),
    personal_data=(
        PersonalData(CANDIDATES, "member_id", label="ambassadors.personal_data.candidate"),
        PersonalData(AMBASSADORS, "member_id", label="ambassadors.personal_data.ambassador"),
        # The CM who decided or appointed: the decision stays, without their id.
        PersonalData(CANDIDATES, "decided_by", "decided_platform", anonymise=True,
                     export_columns=("id", "status", "decided_at"), label="ambassadors.personal_data.decisions"),
        PersonalData(AMBASSADORS, "appointed_by", "appointed_platform", anonymise=True, export_columns=("since",),
                     label="ambassadors.personal_data.decisions"),
        PersonalData(AMBASSADORS, "removed_by", "removed_platform", anonymise=True, export_columns=("removed_at",),
                     label="ambassadors.personal_data.decisions"),
    ),
)
