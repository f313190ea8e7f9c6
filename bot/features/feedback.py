"""The feedback inbox's front door: `/feedback` and its modal, the feedback channels and the CMs' mark, the
inbox cards and their buttons, the team's `/inbox` list, and the nightly retention of the words.

Installed after engagement, so a message in a feedback channel is logged as activity and taken into the inbox
alike; moderation, installed first, keeps a deleted scam out of both.
"""

from __future__ import annotations

from bot.events import ButtonClicked, MessagePosted, ModalSubmitted, ReactionAdded
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.feedback.desk import Desk
from handlers.feedback.intake import Intake
from handlers.feedback.listing import InboxList
from handlers.feedback.migrations import HISTORY, ITEMS, migrations
from handlers.feedback.show import Cards
from schedules.feedback.retention import FeedbackRetention


def install(services: Services) -> None:
    cards = Cards(services.store, services.catalogue)
    intake = Intake(services.store, services.catalogue, services.optouts, cards)
    desk = Desk(services.store, services.catalogue, services.clock, cards)
    dispatcher = services.dispatcher
    dispatcher.subscribe(MessagePosted, intake.on_message)
    dispatcher.subscribe(ReactionAdded, intake.on_reaction)
    dispatcher.subscribe(ModalSubmitted, intake.on_modal)
    dispatcher.subscribe(ButtonClicked, desk.on_button)
    dispatcher.subscribe(ModalSubmitted, desk.on_modal)
    services.commands.add(intake.command())
    services.commands.add(InboxList(services.store, services.clock).command())
    retention = FeedbackRetention(services.store, services.clock, services.outbox, cards, services.catalogue,
                                  services.settings.communities)

    async def start() -> None:
        await retention.start(services.wakeups)

    services.on_start(start)


feature = Feature(
    name="feedback",
    migrations=migrations,
    install=install,
    personal_data=(
        # The author's feedback, with its history (deleted with it through the foreign key).
        PersonalData(ITEMS, "member_id", label="feedback.personal_data.given"),
        # A CM who decided on someone else's feedback is only mentioned: the decision stays, without their id
        # or their name.
        PersonalData(HISTORY, "by", anonymise=True, export_columns=("feedback_id", "action", "at"),
                     erase_columns=("by_name",), label="feedback.personal_data.handled"),
    ),
)
