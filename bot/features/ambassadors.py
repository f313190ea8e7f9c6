"""The ambassadors front door: the weekly card of candidates, the CMs' decisions, `/ambassadors`, the monthly
thank-you draft, and the ambassadors' personal data (export, forget-me, retention)."""

from __future__ import annotations

from bot.events import ButtonClicked
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.ambassadors.appointing import Appointments
from handlers.ambassadors.buttons import AmbassadorButtons
from handlers.ambassadors.commands import AmbassadorCommands
from handlers.ambassadors.migrations import AMBASSADORS, CANDIDATES, migrations
from schedules.ambassadors.rounds import CandidateRounds


def install(services: Services) -> None:
    communities = list(services.settings.communities)
    appointments = Appointments(services.store, services.clock, services.outbox, services.catalogue)
    buttons = AmbassadorButtons(appointments, services.catalogue)
    services.dispatcher.subscribe(ButtonClicked, buttons.on_click)
    for spec in AmbassadorCommands(services.store, services.clock, appointments).specs():
        services.commands.add(spec)
    rounds = CandidateRounds(services.store, services.clock, services.outbox, services.catalogue, communities,
                             appointments, services.flush_pending)

    async def start() -> None:
        rounds.register(services.wakeups)
        await rounds.catch_up()

    services.on_start(start)


feature = Feature(
    name="ambassadors",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData(CANDIDATES, "member_id"),
        PersonalData(AMBASSADORS, "member_id"),
        # The CM who decided or appointed: the decision stays, without their id.
        PersonalData(CANDIDATES, "decided_by", "decided_platform", anonymise=True,
                     export_columns=("id", "status", "decided_at")),
        PersonalData(AMBASSADORS, "appointed_by", "appointed_platform", anonymise=True, export_columns=("since",)),
        PersonalData(AMBASSADORS, "removed_by", "removed_platform", anonymise=True, export_columns=("removed_at",)),
    ),
)
