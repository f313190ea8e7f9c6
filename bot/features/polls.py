"""Polls' front door: `/poll`, the votes, the poll as a calendar post kind, and the clock that ends polls.

A poll is published by the content calendar (kind "poll"), so it is scheduled, approved and delivered exactly
once like any post; this feature tells the calendar what a poll looks like on each platform, records the votes
(buttons on Slack and the console, native poll events on Discord) and ends each poll on time with its results.
"""

from __future__ import annotations

from datetime import timedelta

from bot.events import ButtonClicked, PollVoteAdded, PollVoteRemoved
from bot.personal_data import PersonalData
from bot.services import Services
from bot.wiring import Feature
from handlers.polls.commands import PollCommands
from handlers.polls.kind import PollKind
from handlers.polls.migrations import migrations
from handlers.polls.votes import PollVotes
from schedules.polls.closing import PollCloser, PollJobs
from schedules.polls.recount import PollRecounts
from schedules.polls.redraws import CardRedraws
from schedules.polls.retention import VoteRetention


def install(services: Services) -> None:
    communities = services.settings.communities
    sweep_every = timedelta(seconds=min(c.polls.sweep_seconds for c in communities))
    redraws = CardRedraws(services.store, services.clock, services.outbox, services.catalogue, services.wakeups,
                          services.directory)
    closer = PollCloser(services.store, services.clock, services.outbox, services.catalogue, services.directory,
                        services.optouts, redraws)
    jobs = PollJobs(services.wakeups, services.clock, closer.close, closer.quiet)
    kind = PollKind(services.store, services.clock, services.outbox, services.catalogue, jobs.schedule)
    services.post_kinds.register(kind.post_kind())

    async def close_now(poll_id: int) -> str:
        return await closer.close(poll_id, early=True)

    recounts = PollRecounts(services.store, services.clock, services.outbox)
    for spec in PollCommands(services.store, services.clock, services.post_kinds, close_now,
                             recounts.recount).specs():
        services.commands.add(spec)
    votes = PollVotes(services.store, services.clock, services.catalogue, redraws.voted)
    services.dispatcher.subscribe(ButtonClicked, votes.on_click)
    services.dispatcher.subscribe(PollVoteAdded, votes.on_vote_added)
    services.dispatcher.subscribe(PollVoteRemoved, votes.on_vote_removed)
    retention = VoteRetention(services.store, services.clock, services.directory)

    async def start() -> None:
        await closer.reconcile()
        await recounts.recount_open()  # votes cast or withdrawn on Discord while the bot was stopped
        recounts.register(services.wakeups)
        await redraws.redraw_open()
        await jobs.rebuild(services.store, closer.sweep, sweep_every)
        await closer.sweep()
        retention.register(services.wakeups)
        await retention.purge()

    services.on_start(start)


feature = Feature(
    name="polls",
    migrations=migrations,
    install=install,
    personal_data=(
        # A vote names its member until the poll's retention ends; forget-me erases it (an open poll's count
        # drops, a closed poll's final counts, which name nobody, stay).
        PersonalData("poll_votes", "member_id", export_columns=("poll_id", "answer", "voted_at"),
                     label="polls.personal_data.votes"),
        # A poll is the team's: forgetting its author keeps the poll, without the id.
        PersonalData("polls", "author_id", "author_platform", anonymise=True,
                     export_columns=("id", "question", "created_at"), label="polls.personal_data.created"),
    ),
)
