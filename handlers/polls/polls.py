"""Store access for polls: every read and write of their tables, as plain functions of a database.

Functions take the `sqlite_utils.Database` and run on the store's thread (`await store.run(lambda db: ...)`);
each write commits before returning. A vote is one row per chosen answer, keyed by the poll, the platform
message and the member, so a replayed vote event changes nothing. Closing is a compare-and-set (`open` ->
`closed`) that writes each message's final counts in the same transaction: the results are then read from those
anonymous counts, which outlive the votes themselves (see `purge_votes`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from handlers.polls.migrations import MESSAGES, POLLS, RESULTS, VOTES

WAITING, OPEN, CLOSED, WITHDRAWN = "waiting", "open", "closed", "withdrawn"
MessageKey = tuple[str, str, str]  # platform, channel id, message id


def stamp(instant: datetime) -> str:
    if instant.tzinfo is None:
        raise ValueError("poll times must be timezone-aware")
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def unstamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class Poll:
    id: int
    community: str
    question: str
    answers: tuple[str, ...]
    multiple: bool
    duration: timedelta
    status: str
    author_platform: str | None
    author_id: str | None
    campaign: str | None
    calendar_post_id: int | None
    created_at: datetime | None
    opened_at: datetime | None
    ends_at: datetime | None
    closed_at: datetime | None
    withdrawn_reason: str | None = None  # cancelled | rejected | expired | failed, while withdrawn
    withdrawn_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PollMessage:
    poll_id: int
    platform: str
    channel_id: str
    message_id: str
    final_counts: tuple[int, ...] | None
    final_voters: int | None
    ended_natively: bool = False  # the platform ended its native poll and shows the final result itself

    @property
    def key(self) -> MessageKey:
        return (self.platform, self.channel_id, self.message_id)


@dataclass(frozen=True, slots=True)
class Tally:
    """Votes per answer (in the answers' order) and how many members voted, over every message of a poll."""

    counts: tuple[int, ...]
    voters: int

    @property
    def total(self) -> int:
        return sum(self.counts)

    def share(self, index: int) -> float | None:
        """The answer's share of the votes cast (None when nobody voted: no made-up zero)."""
        return self.counts[index] / self.total if self.total else None

    def leaders(self) -> tuple[int, ...]:
        """The answers with the most votes (several on a tie; none when nobody voted)."""
        if not self.total:
            return ()
        best = max(self.counts)
        return tuple(i for i, count in enumerate(self.counts) if count == best)


def _poll(row: Mapping) -> Poll:
    return Poll(
        id=row["id"], community=row["community"], question=row["question"],
        answers=tuple(json.loads(row["answers"])), multiple=bool(row["multiple"]),
        duration=timedelta(seconds=row["duration_seconds"]), status=row["status"],
        author_platform=row["author_platform"], author_id=row["author_id"], campaign=row["campaign"],
        calendar_post_id=row["calendar_post_id"], created_at=unstamp(row["created_at"]),
        opened_at=unstamp(row["opened_at"]), ends_at=unstamp(row["ends_at"]), closed_at=unstamp(row["closed_at"]),
        withdrawn_reason=row["withdrawn_reason"], withdrawn_at=unstamp(row["withdrawn_at"]),
    )


def _message(row: Mapping) -> PollMessage:
    counts = json.loads(row["final_counts"]) if row["final_counts"] else None
    return PollMessage(row["poll_id"], row["platform"], row["channel_id"], row["message_id"],
                       tuple(counts) if counts is not None else None, row["final_voters"],
                       bool(row.get("ended_natively")))


# -- polls -------------------------------------------------------------------------------------------------
def create_poll(db: sqlite_utils.Database, *, community: str, question: str, answers: Iterable[str], multiple: bool,
                duration: timedelta, author_platform: str, author_id: str, campaign: str | None,
                now: datetime) -> int:
    with db.atomic():
        cursor = db.execute(
            f"INSERT INTO {POLLS} (community, question, answers, multiple, duration_seconds, status, author_platform,"
            " author_id, campaign, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [community, question, json.dumps(list(answers), ensure_ascii=False), int(multiple),
             int(duration.total_seconds()), WAITING, author_platform, author_id, campaign, stamp(now)],
        )
    if cursor.lastrowid is None:
        raise RuntimeError("the insert returned no row id")
    return cursor.lastrowid


def set_calendar_post(db: sqlite_utils.Database, poll_id: int, post_id: int) -> None:
    with db.atomic():
        db.execute(f"UPDATE {POLLS} SET calendar_post_id = ? WHERE id = ?", [post_id, poll_id])


def discard_poll(db: sqlite_utils.Database, poll_id: int) -> None:
    """Drop a poll the calendar refused (nothing was published, nobody voted)."""
    with db.atomic():
        db.execute(f"DELETE FROM {POLLS} WHERE id = ? AND status = ?", [poll_id, WAITING])


def withdraw_poll(db: sqlite_utils.Database, poll_id: int, reason: str, now: datetime) -> bool:
    """A waiting poll whose calendar post will not go out; False when it was not waiting (an open poll, which
    went out on another platform, stays open)."""
    with db.atomic():
        return db.execute(
            f"UPDATE {POLLS} SET status = ?, withdrawn_reason = ?, withdrawn_at = ? WHERE id = ? AND status = ?",
            [WITHDRAWN, reason, stamp(now), poll_id, WAITING]).rowcount == 1


def resubmit_poll(db: sqlite_utils.Database, poll_id: int) -> bool:
    """A withdrawn poll whose calendar post was rescheduled waits again."""
    with db.atomic():
        return db.execute(
            f"UPDATE {POLLS} SET status = ?, withdrawn_reason = NULL, withdrawn_at = NULL WHERE id = ?"
            " AND status = ?", [WAITING, poll_id, WITHDRAWN]).rowcount == 1


def get_poll(db: sqlite_utils.Database, poll_id: int) -> Poll | None:
    rows = list(db.query(f"SELECT * FROM {POLLS} WHERE id = ?", [poll_id]))
    return _poll(rows[0]) if rows else None


def list_polls(db: sqlite_utils.Database, community: str, limit: int = 20) -> list[Poll]:
    """The community's polls, open ones first, then the most recent."""
    return [_poll(r) for r in db.query(
        f"SELECT * FROM {POLLS} WHERE community = ? ORDER BY status = 'open' DESC, id DESC LIMIT ?",
        [community, limit])]


def record_message(db: sqlite_utils.Database, poll_id: int, platform: str, channel_id: str, message_id: str,
                   at: datetime) -> Poll | None:
    """Where the poll was just published. The first message opens it and sets its end; a message recorded
    twice (the calendar found it again after a crash) changes nothing."""
    with db.atomic():
        row = db.execute(f"SELECT community, duration_seconds, status FROM {POLLS} WHERE id = ?", [poll_id]).fetchone()
        if row is None:
            return None
        db.execute(
            f"INSERT OR IGNORE INTO {MESSAGES} (poll_id, community, platform, channel_id, message_id, posted_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", [poll_id, row[0], platform, channel_id, message_id, stamp(at)])
        if row[2] in (WAITING, WITHDRAWN):  # withdrawn, then sent after all (a CM's "post now"): it opens
            db.execute(f"UPDATE {POLLS} SET status = ?, opened_at = ?, ends_at = ?, withdrawn_reason = NULL,"
                       " withdrawn_at = NULL WHERE id = ? AND status = ?",
                       [OPEN, stamp(at), stamp(at + timedelta(seconds=row[1])), poll_id, row[2]])
    return get_poll(db, poll_id)


def messages_of(db: sqlite_utils.Database, poll_id: int) -> list[PollMessage]:
    return [_message(r) for r in db.query(
        f"SELECT * FROM {MESSAGES} WHERE poll_id = ? ORDER BY posted_at, rowid", [poll_id])]


def find_message(db: sqlite_utils.Database, platform: str, message_id: str) -> PollMessage | None:
    rows = list(db.query(f"SELECT * FROM {MESSAGES} WHERE platform = ? AND message_id = ?", [platform, message_id]))
    return _message(rows[0]) if rows else None


def due_polls(db: sqlite_utils.Database, now: datetime) -> list[int]:
    return [r[0] for r in db.execute(
        f"SELECT id FROM {POLLS} WHERE status = ? AND ends_at <= ? ORDER BY ends_at, id", [OPEN, stamp(now)])]


@dataclass(frozen=True, slots=True)
class SweepView:
    """What the clock's sweep reads, in one trip: polls due to close, closed polls with results never claimed,
    and when the next open poll ends (None when none is open)."""

    due: list[int]
    without_results: list[int]
    next_end: datetime | None


def sweep_view(db: sqlite_utils.Database, now: datetime) -> SweepView:
    (upcoming,) = db.execute(f"SELECT min(ends_at) FROM {POLLS} WHERE status = ? AND ends_at > ?",
                             [OPEN, stamp(now)]).fetchone()
    return SweepView(due_polls(db, now), closed_without_results(db), unstamp(upcoming))


def open_polls(db: sqlite_utils.Database) -> list[tuple[int, datetime]]:
    """(id, end) of every open poll: a wake-up must exist for each."""
    return [(r[0], datetime.fromisoformat(r[1])) for r in db.execute(
        f"SELECT id, ends_at FROM {POLLS} WHERE status = ? AND ends_at IS NOT NULL", [OPEN])]


# -- votes -------------------------------------------------------------------------------------------------
def member_choices(db: sqlite_utils.Database, poll_id: int, message: PollMessage, member_id: str) -> set[int]:
    return {r[0] for r in db.execute(
        f"SELECT answer FROM {VOTES} WHERE poll_id = ? AND platform = ? AND message_id = ? AND member_id = ?",
        [poll_id, message.platform, message.message_id, member_id])}


def _insert_vote(db: sqlite_utils.Database, poll: Poll, message: PollMessage, member_id: str, answer: int,
                 now: datetime) -> bool:
    cursor = db.execute(
        f"INSERT OR IGNORE INTO {VOTES} (poll_id, community, platform, channel_id, message_id, member_id, answer,"
        " voted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [poll.id, poll.community, message.platform, message.channel_id, message.message_id, member_id, answer,
         stamp(now)])
    return cursor.rowcount == 1


def _delete_votes(db: sqlite_utils.Database, poll: Poll, message: PollMessage, member_id: str,
                  answers: Iterable[int]) -> int:
    wanted = list(answers)
    if not wanted:
        return 0
    return db.execute(
        f"DELETE FROM {VOTES} WHERE poll_id = ? AND platform = ? AND message_id = ? AND member_id = ?"
        f" AND answer IN ({','.join('?' * len(wanted))})",
        [poll.id, message.platform, message.message_id, member_id, *wanted]).rowcount


def choose(db: sqlite_utils.Database, poll: Poll, message: PollMessage, member_id: str, answer: int,
           now: datetime) -> str:
    """A click on an answer's button: "added", "changed" (single choice: the other answer is dropped) or
    "removed" (a second click on a chosen answer takes the vote back). Only while the poll is open."""
    if not 0 <= answer < len(poll.answers):
        raise ValueError(f"poll {poll.id} has no answer {answer}")
    with db.atomic():
        chosen = member_choices(db, poll.id, message, member_id)
        if answer in chosen:
            _delete_votes(db, poll, message, member_id, [answer])
            return "removed"
        others = chosen if not poll.multiple else set()
        _delete_votes(db, poll, message, member_id, others)
        _insert_vote(db, poll, message, member_id, answer, now)
    return "changed" if others else "added"


def add_vote(db: sqlite_utils.Database, poll: Poll, message: PollMessage, member_id: str, answer: int,
             now: datetime) -> bool:
    """A native vote (Discord says which answer); the platform enforces single choice itself."""
    if not 0 <= answer < len(poll.answers):
        return False
    with db.atomic():
        return _insert_vote(db, poll, message, member_id, answer, now)


def remove_vote(db: sqlite_utils.Database, poll: Poll, message: PollMessage, member_id: str, answer: int) -> bool:
    with db.atomic():
        return _delete_votes(db, poll, message, member_id, [answer]) == 1


def recount(db: sqlite_utils.Database, poll: Poll, message: PollMessage, voters: Sequence[Sequence[str]],
            now: datetime) -> tuple[int, int]:
    """Set a native poll message's votes to the platform's own voter lists (one per answer, in order): votes the
    platform no longer has go, votes it has that cmbot never heard of come (dated now). Only while the poll is
    open; returns (added, removed)."""
    if len(voters) != len(poll.answers):
        return 0, 0
    wanted = {(member, answer) for answer, members in enumerate(voters) for member in members}
    with db.atomic():
        current = get_poll(db, poll.id)
        if current is None or current.status != OPEN:
            return 0, 0
        held = {(m, a) for m, a in db.execute(
            f"SELECT member_id, answer FROM {VOTES} WHERE poll_id = ? AND platform = ? AND message_id = ?",
            [poll.id, message.platform, message.message_id])}
        for member, answer in held - wanted:
            _delete_votes(db, poll, message, member, [answer])
        for member, answer in sorted(wanted - held):
            _insert_vote(db, poll, message, member, answer, now)
    return len(wanted - held), len(held - wanted)


def _live(db: sqlite_utils.Database, poll: Poll, message: PollMessage) -> tuple[list[int], int]:
    counts = [0] * len(poll.answers)
    for answer, votes in db.execute(
            f"SELECT answer, count(*) FROM {VOTES} WHERE poll_id = ? AND platform = ? AND message_id = ?"
            " GROUP BY answer", [poll.id, message.platform, message.message_id]):
        if 0 <= answer < len(counts):
            counts[answer] = votes
    (voters,) = db.execute(
        f"SELECT count(DISTINCT member_id) FROM {VOTES} WHERE poll_id = ? AND platform = ? AND message_id = ?",
        [poll.id, message.platform, message.message_id]).fetchone()
    return counts, voters


def tally(db: sqlite_utils.Database, poll: Poll) -> Tally:
    """Every message's final counts once the poll closed, its live votes until then, added up."""
    counts = [0] * len(poll.answers)
    voters = 0
    for message in messages_of(db, poll.id):
        if message.final_counts is not None:
            these, members = list(message.final_counts), message.final_voters or 0
        else:
            these, members = _live(db, poll, message)
        counts = [a + b for a, b in zip(counts, these, strict=False)]
        voters += members
    return Tally(tuple(counts), voters)


def close_poll(db: sqlite_utils.Database, poll_id: int, now: datetime,
               platform_counts: Mapping[MessageKey, tuple[int, ...]] | None = None) -> bool:
    """Close an open poll once: each message's counts become final (the platform's own when it gave them, a
    native poll's, else our votes). False when it was not open (already closed: nothing changes)."""
    platform_counts = platform_counts or {}
    with db.atomic():
        row = db.execute(f"SELECT * FROM {POLLS} WHERE id = ?", [poll_id]).fetchone()
        cursor = db.execute(f"UPDATE {POLLS} SET status = ?, closed_at = ? WHERE id = ? AND status = ?",
                            [CLOSED, stamp(now), poll_id, OPEN])
        if row is None or cursor.rowcount != 1:
            return False
        poll = get_poll(db, poll_id)
        assert poll is not None
        for message in messages_of(db, poll_id):
            counts, voters = _live(db, poll, message)
            given = platform_counts.get(message.key)
            native = given is not None and len(given) == len(poll.answers)
            if given is not None and native:
                counts = list(given)
                voters = sum(given) if not poll.multiple else max(voters, max(given, default=0))
            db.execute(f"UPDATE {MESSAGES} SET final_counts = ?, final_voters = ?, ended_natively = ? WHERE"
                       " platform = ? AND channel_id = ? AND message_id = ?",
                       [json.dumps(counts), voters, int(native), *message.key])
    return True


# -- the results ledger ----------------------------------------------------------------------------------------
def results_key(poll_id: int, platform: str, channel_id: str) -> str:
    return f"poll-{poll_id}-results-{platform}-{channel_id}"


def claim_result(db: sqlite_utils.Database, poll: Poll, platform: str, channel_id: str, now: datetime) -> int | None:
    """Record "sending" for the results in this channel before the platform call; None if already claimed."""
    try:
        with db.atomic():
            cursor = db.execute(
                f"INSERT INTO {RESULTS} (poll_id, community, platform, channel_id, idempotency_key, status,"
                " started_at) VALUES (?, ?, ?, ?, ?, 'sending', ?)",
                [poll.id, poll.community, platform, channel_id, results_key(poll.id, platform, channel_id),
                 stamp(now)])
    except sqlite3.IntegrityError:
        return None
    return cursor.lastrowid


def finish_result(db: sqlite_utils.Database, result_id: int, status: str, now: datetime, *,
                  message_id: str | None = None, error: str | None = None) -> None:
    with db.atomic():
        db.execute(f"UPDATE {RESULTS} SET status = ?, message_id = ?, error = ?, finished_at = ? WHERE id = ?",
                   [status, message_id, error, stamp(now), result_id])


def results_sending(db: sqlite_utils.Database) -> list[dict]:
    """Results posts a crash left between "sending" and "posted"."""
    return list(db.query(f"SELECT * FROM {RESULTS} WHERE status = 'sending' ORDER BY id"))


def shown_by_platform(here: list[PollMessage], tally: Tally) -> bool:
    """Whether the platform's own final result already says everything cmbot's results would in this channel:
    one native poll there, ended by the platform, holding every vote of the poll (nothing from another channel
    or platform to add). Discord then posts its own results message; a second one would be a duplicate."""
    return (len(here) == 1 and here[0].ended_natively and here[0].final_counts is not None
            and tuple(here[0].final_counts) == tuple(tally.counts))


def closed_without_results(db: sqlite_utils.Database) -> list[int]:
    """Closed polls with a channel whose results were never claimed (a crash between closing and posting)."""
    return [r[0] for r in db.execute(
        f"SELECT DISTINCT m.poll_id FROM {MESSAGES} m JOIN {POLLS} p ON p.id = m.poll_id WHERE p.status = ?"
        f" AND NOT EXISTS (SELECT 1 FROM {RESULTS} r WHERE r.poll_id = m.poll_id AND r.platform = m.platform"
        " AND r.channel_id = m.channel_id) ORDER BY m.poll_id", [CLOSED])]


def results_of(db: sqlite_utils.Database, poll_id: int) -> list[dict]:
    return list(db.query(f"SELECT * FROM {RESULTS} WHERE poll_id = ? ORDER BY id", [poll_id]))


# -- privacy: how long votes are kept ----------------------------------------------------------------------------
def purge_votes(db: sqlite_utils.Database, community: str, closed_before: datetime) -> int:
    """Erase the votes of the community's polls that closed before `closed_before` (their counts stay)."""
    with db.atomic():
        return db.execute(
            f"DELETE FROM {VOTES} WHERE community = ? AND poll_id IN (SELECT id FROM {POLLS} WHERE community = ?"
            " AND status = ? AND closed_at < ?)", [community, community, CLOSED, stamp(closed_before)]).rowcount


def purge_votes_of(db: sqlite_utils.Database, poll_id: int, accounts: Iterable[tuple[str, str]]) -> int:
    """Erase these (platform, member id) accounts' votes on a closed poll at once (members who opted out)."""
    erased = 0
    with db.atomic():
        for platform, member_id in accounts:
            erased += db.execute(
                f"DELETE FROM {VOTES} WHERE poll_id = ? AND platform = ? AND member_id = ? AND poll_id IN"
                f" (SELECT id FROM {POLLS} WHERE status = ?)", [poll_id, platform, member_id, CLOSED]).rowcount
    return erased


def voters_of(db: sqlite_utils.Database, poll_id: int) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in db.execute(
        f"SELECT DISTINCT platform, member_id FROM {VOTES} WHERE poll_id = ?", [poll_id])]


# -- the report ----------------------------------------------------------------------------------------------
def closed_between(db: sqlite_utils.Database, community: str, start: datetime, end: datetime,
                   platform: str | None = None) -> list[tuple[Poll, Tally]]:
    """The community's polls that closed in [start, end), with their final tally (on one platform's messages
    when `platform` is given)."""
    if not db.table(POLLS).exists():
        return []
    found = []
    for row in db.query(f"SELECT * FROM {POLLS} WHERE community = ? AND status = ? AND closed_at >= ?"
                        " AND closed_at < ? ORDER BY closed_at, id", [community, CLOSED, stamp(start), stamp(end)]):
        poll = _poll(row)
        messages = [m for m in messages_of(db, poll.id) if platform is None or m.platform == platform]
        if not messages:
            continue  # the poll did not run on this platform
        counts = [0] * len(poll.answers)
        for message in messages:
            counts = [a + b for a, b in zip(counts, message.final_counts or (0,) * len(counts), strict=False)]
        found.append((poll, Tally(tuple(counts), sum(m.final_voters or 0 for m in messages))))
    return found
