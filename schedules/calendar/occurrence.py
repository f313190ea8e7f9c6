"""One occurrence of a post as store work: begun, each target recorded, then advanced, in as few trips as it can.

Each function runs on the store's thread as one piece of a shared trip (`schedules.calendar.trips`), for all the
posts that reached the same step in the same moment, with set-based statements (`handlers.calendar.bulk`): a
thousand posts due in the same second take about as many trips as one post does.

- `read_ahead`: read the posts of a coming instant before it falls due, with their revisions; nothing is
  written, so a crash after it leaves the store as it was;
- `begin_many`: for each post whose occurrence is due, mark it `sending` and claim its first target (the ledger
  row that says "sending" before the platform call, whose unique key is the exactly-once guard). A post read
  ahead is taken as read if its revision, due time and status are still the ones read (a cheap `UPDATE` by
  ids), and the row claiming its first target was worked out at the read (`bulk.Prepared`: its key, its
  columns), so the store's thread adds only the instant's facts; any other post, or one changed since it was
  read, is read again here, so an edit made meanwhile wins;
- `record_many`: write targets' outcomes and, in the same transaction, claim each post's next target or, after
  its last one, advance the post (its next occurrence or its final status);
- `record_missed`: an occurrence due while the bot was down beyond the grace period, every target at once.

A target is claimed only right before its platform call, never all of a post's targets ahead: a crash leaves at
most the one target in flight uncertain, and the targets not reached are simply due again at the next start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from handlers.calendar import bulk
from handlers.calendar import posts as ledger
from handlers.calendar.bulk import Claim, Finish, Move, Prepared, Seen
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import SYSTEM, CalendarPost, Delivery
from handlers.calendar.recurrence import Recurrence

LATE_AFTER = timedelta(minutes=1)
DELIVERABLE = (Status.SCHEDULED, Status.SENDING)


def next_occurrence(post: CalendarPost, after: datetime) -> datetime | None:
    if post.cron is None:
        return None
    rule = Recurrence.build(post.cron, post.timezone, post.until, post.max_count)
    return rule.after(post.publish_at or after, after, post.occurrences_done + 1)


@dataclass(slots=True)
class Begun:
    """What `begin_many` found for one post: the post as read, and the occurrence it started, if one was due.
    A value, never changed once made (not `frozen`, as `Delivery`: one per post at a burst's claims)."""

    post: CalendarPost | None
    due: datetime | None = None  # the occurrence started now (None: nothing to deliver)
    claimed: Delivery | None = None  # its first target claimed for sending (None: every one already handled)
    missed: bool = False  # due while the bot was down, past the grace period: nothing was claimed
    late: bool = False
    at: datetime | None = None  # the time the decision was taken at ("due" means due at this time)
    ahead: bool = False  # started from the post as read ahead (unchanged since): what was rendered then holds


@dataclass(frozen=True, slots=True)
class Read:
    """A post read ahead of its due time, and its revision then: the claim uses the read only if it still holds."""

    post: CalendarPost
    revision: int
    seen: Seen  # what must still hold at the claim for this read to be used
    first: Prepared | None = None  # the claim of its first target, worked out at the read


def _read(post: CalendarPost, revision: int) -> Read:
    due = post.next_due_at
    assert due is not None
    first = Prepared.of(post, due, post.targets[0]) if post.targets else None
    return Read(post, revision, Seen(post.id, post.community, revision, due, post.occurrences_done), first)


@dataclass(frozen=True, slots=True)
class Record:
    """A target's send is over: its outcome, and what `record_many` needs to go on with the post."""

    post: CalendarPost
    due: datetime
    delivery: Delivery
    outcome: Finish
    late: bool
    stopping: bool  # the bot is stopping: claim no further target, the post stays due


@dataclass(frozen=True, slots=True)
class Recorded:
    """What `record_many` did after writing an outcome: the next target claimed, or the post advanced."""

    claimed: Delivery | None = None
    advanced: bool = False
    following: datetime | None = None  # when advanced: the next occurrence's due time (None: the post is done)


def read_ahead(db: sqlite_utils.Database, post_ids: Sequence[int], due: datetime) -> list[Read]:
    """The posts still scheduled for `due`, read before it with their revisions (one snapshot); writes nothing."""
    with db.atomic():
        revisions = bulk.revisions(db, post_ids)
        posts = bulk.get_posts(db, post_ids)
    return [_read(post, revisions[post.id]) for post in posts.values()
            if post.status is Status.SCHEDULED and post.next_due_at == due and post.id in revisions]


def begin_many(db: sqlite_utils.Database, asks: Sequence[tuple[int, Read | None]], now: datetime,
               started_at: datetime | None, grace: Callable[[str], timedelta]) -> list[Begun]:
    """For each post (in order), with what was read of it ahead if anything: if an occurrence is due, mark the
    post `sending` and claim the first target not handled yet. A read still true is used as is; the others are
    read now. An occurrence due while the bot was down beyond the grace period claims nothing."""
    post_ids = [post_id for post_id, _ in asks]
    reads: dict[int, Read] = {}  # the reads still worth claiming from (the first, for a post asked twice)
    for post_id, read in asks:
        due = None if read is None else read.post.next_due_at
        if read is None or due is None or due > now or post_id in reads:
            continue
        if started_at is not None and due < started_at and now - due > grace(read.post.community):
            continue  # missed: decided on a fresh read
        reads[post_id] = read
    started = bulk.start_seen(db, [read.seen for read in reads.values()], SYSTEM, now) if reads else set()
    posts = bulk.get_posts(db, [post_id for post_id in post_ids if post_id not in started])
    found: list[tuple[CalendarPost | None, datetime | None, bool, bool, bool]] = []  # post, due, missed, late, ahead
    moves: list[Move] = []
    wanted: list[tuple[int, CalendarPost, datetime, int, bool]] = []
    prepared: list[tuple[int, CalendarPost, datetime, Prepared, bool]] = []  # claims worked out at the read
    seen: set[int] = set()
    for post_id in post_ids:
        if post_id in seen:  # asked twice in one batch: only the first may deliver
            found.append((None, None, False, False, False))
            continue
        seen.add(post_id)
        if post_id in started:  # already moved to `sending` by the claim of what was read
            read = reads[post_id]
            due = read.post.next_due_at
            assert due is not None
            late = now - due > LATE_AFTER
            if read.first is not None:
                prepared.append((len(found), read.post, due, read.first, late))
            else:
                wanted.append((len(found), read.post, due, 0, late))
            found.append((read.post, due, False, late, True))
            continue
        post = posts.get(post_id)
        if post is None or post.next_due_at is None or post.next_due_at > now or post.status not in DELIVERABLE:
            found.append((post, None, False, False, False))
            continue
        due = post.next_due_at
        if post.status is Status.SCHEDULED:
            moves.append(Move(post.id, post.community, Status.SCHEDULED, Status.SENDING))
        if started_at is not None and due < started_at and now - due > grace(post.community):
            found.append((post, due, True, False, False))
            continue
        late = now - due > LATE_AFTER
        wanted.append((len(found), post, due, 0, late))
        found.append((post, due, False, late, False))
    bulk.transition_many(db, moves, SYSTEM, now, action="send")
    claimed = _claim_first(db, wanted, now)
    if prepared:
        rows = bulk.claim_prepared(db, [(first, late) for *_, first, late in prepared], now)
        taken = []  # first target already in the ledger: the next ones, the ordinary way
        for (index, post, due, _, late), delivery in zip(prepared, rows, strict=True):
            if delivery is not None:
                claimed[index] = delivery
            else:
                taken.append((index, post, due, 1, late))
        claimed.update(_claim_first(db, taken, now))
    return [Begun(post, due, claimed.get(index), missed, late, now, ahead)
            for index, (post, due, missed, late, ahead) in enumerate(found)]


def record_many(db: sqlite_utils.Database, records: Sequence[Record], now: datetime) -> list[Recorded]:
    """Write each target's outcome; then claim each post's next target, or advance the post after its last one.

    A post whose bot is stopping claims no further target and stays due: the next start sends the targets not
    reached."""
    bulk.finish_many(db, [r.outcome for r in records], now)
    recorded = [Recorded()] * len(records)
    wanted: list[tuple[int, CalendarPost, datetime, int, bool]] = []
    for index, r in enumerate(records):
        after = r.post.targets.index(r.delivery.target) + 1 if r.delivery.target in r.post.targets else len(
            r.post.targets)
        if r.stopping and after < len(r.post.targets):
            continue
        wanted.append((index, r.post, r.due, after, r.late))
    claimed = _claim_first(db, wanted, now)
    done = [index for index, *_ in wanted if index not in claimed]
    following = advance_many(db, [(records[i].post, records[i].due, False) for i in done], now)
    for index, delivery in claimed.items():
        recorded[index] = Recorded(claimed=delivery)
    for index, then in zip(done, following, strict=True):
        recorded[index] = Recorded(advanced=True, following=then)
    return recorded


def record_missed(db: sqlite_utils.Database, post: CalendarPost, due: datetime,
                  now: datetime) -> tuple[bool, datetime | None]:
    """Every target of an occurrence missed; then on to the next occurrence, or the post is missed.

    Returns (whether any row was recorded now, the next occurrence's due time or None)."""
    recorded = [row for target in post.targets
                if (row := ledger.record_missed(db, post, due, target, now)) is not None]
    if post.recurring:
        return bool(recorded), advance_many(db, [(post, due, True)], now)[0]
    ledger.transition(db, post.id, Status.MISSED, SYSTEM, now, action="missed", next_due_at=None)
    return bool(recorded), None


def advance(db: sqlite_utils.Database, post: CalendarPost, due: datetime, now: datetime) -> datetime | None:
    """After an occurrence of one post: its next due time, or None when it reached its final status."""
    return advance_many(db, [(post, due, False)], now)[0]


def advance_many(db: sqlite_utils.Database, occurrences: Sequence[tuple[CalendarPost, datetime, bool]],
                 now: datetime) -> list[datetime | None]:
    """After an occurrence of each post (post, due, missed): on to its next occurrence (its due time is
    returned), or the post's final status (None)."""
    if not occurrences:
        return []
    rows = bulk.deliveries_of_many(db, [(post.id, due) for post, due, _ in occurrences])
    current = _statuses(db, [post.id for post, _, _ in occurrences])
    nexts: list[Move] = []
    finals: list[Move] = []
    following_of: list[datetime | None] = []
    for post, due, missed in occurrences:
        mine = rows[(post.id, ledger.stamp(due))]
        following = next_occurrence(post, due)
        published = [r for r in mine if r.status == "published"]
        changes: dict[str, Any] = {"occurrences_done": post.occurrences_done + 1}
        if published:
            changes["published_at"] = now
        following_of.append(following)
        if following is not None:
            nexts.append(Move(post.id, post.community, current[post.id], Status.SCHEDULED,
                              {**changes, "next_due_at": following}))
            continue
        if post.recurring:
            anything = bool(published) or post.published_at is not None
            final = Status.PUBLISHED if anything else (Status.MISSED if missed else Status.FAILED)
        else:
            final = Status.FAILED if any(r.status == "failed" for r in mine) else Status.PUBLISHED
        finals.append(Move(post.id, post.community, current[post.id], final, {**changes, "next_due_at": None}))
    bulk.transition_many(db, nexts, SYSTEM, now, action="next")
    bulk.transition_many(db, finals, SYSTEM, now, action="done")
    return following_of


def _statuses(db: sqlite_utils.Database, post_ids: Sequence[int]) -> dict[int, Status]:
    found: dict[int, Status] = {}
    for start in range(0, len(post_ids), bulk.CHUNK):
        chunk = post_ids[start:start + bulk.CHUNK]
        for post_id, status in db.execute(
                f"SELECT id, status FROM calendar_posts WHERE id IN ({','.join('?' * len(chunk))})",
                list(chunk)).fetchall():
            found[post_id] = Status(status)
    missing = set(post_ids) - set(found)
    if missing:
        raise LookupError(sorted(missing))
    return found


def _claim_first(db: sqlite_utils.Database, wanted: Sequence[tuple[int, CalendarPost, datetime, int, bool]],
                 now: datetime) -> dict[int, Delivery]:
    """For each (index, post, due, first target to try, late): claim the first of the post's targets from there
    on that no one claimed before (sent, missed, in flight before a crash: never twice); by index."""
    claimed: dict[int, Delivery] = {}
    pending = [w for w in wanted if w[3] < len(w[1].targets)]
    while pending:
        claims = [Claim(post, due, post.targets[start], late) for _, post, due, start, late in pending]
        further = []
        for (index, post, due, start, late), delivery in zip(pending, bulk.claim_many(db, claims, now),
                                                             strict=True):
            if delivery is not None:
                claimed[index] = delivery
            elif start + 1 < len(post.targets):
                further.append((index, post, due, start + 1, late))
        pending = further
    return claimed
