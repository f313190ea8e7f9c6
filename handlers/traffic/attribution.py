"""Which invite link each member joined through: the invite-tracking technique, made safe under concurrency.

The platform counts each link's uses but does not say who used which. We keep the counts last seen per space
(from a reading at connection, then after each batch of joins, and from the invite create/delete events) and
compare each new reading with them. A batch of joins is attributed only when that is unambiguous:

- exactly one link went up, by exactly as many uses as there are joins in the batch: every join used it;
- no link went up: the joins came another way (vanity URL, discovery, a one-use link that vanished);
- anything else (two links moved for two joins, one link moved by two for one join): no one is guessed,
  every join of the batch is "ambiguous", and the reading becomes the new reference.

The adapter reads the counts after the joins it names, and puts every join that arrives while a reading is in
flight into that reading's batch, so concurrent joins land in one batch and are judged together.

A reading older than one already applied (events can be handled out of order) is not used: its joins are
ambiguous. Attribution never names a wrong link; it leaves a join unknown instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.actions import Action
from bot.events import InviteCreated, InviteDeleted, InvitesSeen
from bot.optouts import OptOuts
from bot.store import Store
from config.settings import Community
from handlers.traffic.invites import (
    AMBIGUOUS,
    INVITE,
    NO_BASELINE,
    NO_INVITE,
    NO_PERMISSION,
    Attribution,
    mark_deleted,
    record_joins,
    tracked,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    counts: dict[str, int]  # the new reference counts
    results: list[Attribution]


def attribute(counts: Mapping[str, int] | None, reading: Mapping[str, int],
              joined: Sequence[tuple[str, int]]) -> Outcome:
    """Attribute the `joined` batch from the reference `counts` and the new `reading` (see the module doc)."""
    if counts is None:
        return Outcome(dict(reading), [Attribution(m, at, NO_BASELINE) for m, at in joined])
    grown = {code: uses - counts.get(code, 0) for code, uses in reading.items() if uses > counts.get(code, 0)}
    if not joined:
        return Outcome(dict(reading), [])
    total = sum(grown.values())
    if total == 0:
        return Outcome(dict(reading), [Attribution(m, at, NO_INVITE) for m, at in joined])
    if len(grown) == 1 and total == len(joined):
        (code,) = grown
        return Outcome(dict(reading), [Attribution(m, at, INVITE, code) for m, at in joined])
    return Outcome(dict(reading), [Attribution(m, at, AMBIGUOUS) for m, at in joined])


@dataclass
class SpaceCounts:
    counts: dict[str, int] | None = None
    refresh: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class InviteAttribution:
    """The handlers of the invite events: keep each space's reference counts, record each join's source."""

    def __init__(self, store: Store, optouts: OptOuts | None = None) -> None:
        self.store = store
        self.optouts = optouts
        self.spaces: dict[tuple[str, str], SpaceCounts] = {}

    def _space(self, platform: str, space_id: str) -> SpaceCounts:
        return self.spaces.setdefault((platform, space_id), SpaceCounts())

    async def on_invites_seen(self, event: InvitesSeen, community: Community) -> Sequence[Action]:
        platform = event.platform.value
        space = self._space(platform, event.space_id)
        async with space.lock:
            if event.uses is None:
                space.counts = None  # no reading: the next one starts afresh
                results = [Attribution(m, at, NO_PERMISSION) for m, at in event.joined]
            elif event.refresh and event.refresh < space.refresh:
                results = [Attribution(m, at, AMBIGUOUS) for m, at in event.joined]
            else:
                outcome = attribute(space.counts, event.uses, event.joined)
                space.counts, space.refresh = outcome.counts, max(space.refresh, event.refresh)
                results = outcome.results
            # A member who opted out of analytics still counts in the batch (the counts moved), but no row names them.
            if self.optouts is not None:
                results = [r for r in results if not self.optouts.is_opted_out(community.id, platform, r.member_id)]
            if results:
                await self.store.run(lambda db: record_joins(db, community.id, platform,
                                                             tracked(db, platform, event.space_id), results))
        return []

    async def on_invite_created(self, event: InviteCreated, community: Community) -> Sequence[Action]:
        space = self._space(event.platform.value, event.space_id)
        async with space.lock:
            if space.counts is not None:
                space.counts.setdefault(event.code, event.uses)
        return []

    async def on_invite_deleted(self, event: InviteDeleted, community: Community) -> Sequence[Action]:
        space = self._space(event.platform.value, event.space_id)
        async with space.lock:
            if space.counts is not None:
                space.counts.pop(event.code, None)
        await self.store.run(lambda db: mark_deleted(db, event.platform.value, event.code, event.at))
        return []
