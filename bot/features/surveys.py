"""The surveys front door: `/survey`, the score buttons and comment modal, the minute tick that starts, sends and
closes surveys, the retention purge, and the survey tables declared as members' data."""

from __future__ import annotations

from bot.events import ButtonClicked, ModalSubmitted
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.surveys.answering import SurveyAnswers
from handlers.surveys.commands import SurveyCommands
from handlers.surveys.migrations import ANSWERS, OPTOUTS, RECIPIENTS, SURVEYS, migrations
from schedules.surveys.runner import SurveyRunner


def install(services: Services) -> SurveyRunner:
    runner = SurveyRunner(services.store, services.clock, services.outbox, services.catalogue, services.optouts,
                          services.settings.communities, services.flush_pending)
    commands = SurveyCommands(services.store, services.clock, runner)
    for spec in commands.specs():
        services.commands.add(spec)
    answers = SurveyAnswers(services.store, services.clock, services.catalogue, services.optouts)
    services.dispatcher.subscribe(ButtonClicked, answers.on_click)
    services.dispatcher.subscribe(ModalSubmitted, answers.on_modal)

    async def start() -> None:
        await runner.settle()
        runner.register(services.wakeups)
        await runner.tick()

    services.on_start(start)
    return runner


feature = Feature(
    name="surveys",
    migrations=migrations,
    install=install,
    personal_data=(
        PersonalData(ANSWERS, "member_id", label="surveys.personal_data.answers"),
        PersonalData(RECIPIENTS, "member_id", label="surveys.personal_data.asked"),
        PersonalData(OPTOUTS, "member_id", label="surveys.personal_data.optout"),
        # A survey is the team's: forgetting the SMM or CM who started it keeps it (and its series), without the id.
        PersonalData(SURVEYS, "created_by", "platform", anonymise=True,
                     export_columns=("id", "kind", "question", "created_at"), label="surveys.personal_data.created"),
    ),
)
