"""The content calendar's front door: the SMM drafts, the CM approves, cmbot publishes exactly once, on time.

`install` is the feature's composition root: it builds the desk (what people do to posts), the commands and
buttons, and the publisher and its wake-ups from `schedules.calendar`, then registers the start hook that
settles crashed sends, rebuilds the jobs from the store and catches up on what fell due while the bot was down.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from bot.events import ButtonClicked, ModalSubmitted
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.calendar.buttons import CalendarButtons
from handlers.calendar.cards import ReviewCards
from handlers.calendar.commands import CalendarCommands
from handlers.calendar.desk import Desk
from handlers.calendar.kinds import submit_kind
from handlers.calendar.migrations import migrations
from schedules.calendar.delivery import Publisher
from schedules.calendar.jobs import READ_AHEAD, CalendarJobs
from schedules.calendar.notices import Notices


def install(services: Services) -> None:
    communities = services.settings.communities
    grace = max((c.calendar.grace_period for c in communities), default=timedelta(hours=1))
    sweep_every = timedelta(seconds=min(c.calendar.sweep_seconds for c in communities))
    jobs = CalendarJobs(services.wakeups, services.clock, grace, lead=READ_AHEAD)
    notices = Notices(services.outbox, services.catalogue)
    cards = ReviewCards(services.store, services.outbox, services.catalogue)
    publisher = Publisher(services.store, services.clock, services.outbox, notices, services.directory,
                          jobs.schedule, kinds=services.post_kinds, cards=cards)
    jobs.bind(publisher.run_posts, publisher.read_ahead)
    desk = Desk(services.store, services.clock, services.outbox, jobs.schedule, publisher.run_post, cards,
                 services.post_kinds)
    services.post_kinds.submit = partial(submit_kind, desk)  # other features' posts (polls) come in here
    for spec in CalendarCommands(desk, services.store, services.outbox).specs():
        services.commands.add(spec)
    buttons = CalendarButtons(desk, publisher, services.store, services.catalogue)
    services.dispatcher.subscribe(ButtonClicked, buttons.on_click)
    services.dispatcher.subscribe(ModalSubmitted, buttons.on_modal)

    async def start() -> None:
        publisher.started_at = services.clock.now()
        await publisher.reconcile()
        await jobs.rebuild(services.store, publisher.sweep, sweep_every)
        await publisher.sweep()

    services.on_start(start)
    services.on_stop(publisher.stop)  # before the wake-ups and the store stop: sends in flight finish


feature = Feature(
    name="calendar",
    migrations=migrations,
    install=install,
    personal_data=(
        # Posts are the brand's content: forgetting their author or approver keeps the post, without the id.
        PersonalData("calendar_posts", "author_id", "author_platform", anonymise=True,
                     export_columns=("id", "status", "body", "created_at"), label="calendar.personal_data.written"),
        PersonalData("calendar_posts", "approved_by", "approved_platform", anonymise=True,
                     export_columns=("id", "approved_at"), label="calendar.personal_data.approved"),
        PersonalData("calendar_history", "actor_id", "actor_platform", anonymise=True,
                     export_columns=("post_id", "at", "action"), label="calendar.personal_data.history"),
    ),
)
