"""The ambassadors tables' owner: every read and write of candidates, cards, ambassadors and the two ledgers.

Functions take the sqlite-utils database and run on the store's thread (`await store.run(...)`). Instants are
stored as UTC ISO strings, so text comparison is time order. A decision on a candidate is a conditional update
(only a `proposed` candidate can be decided), so two CMs clicking at once cannot both act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from handlers.ambassadors.migrations import AMBASSADORS, CANDIDATES, CARDS, ROUNDS, THANKS

Account = tuple[str, str]  # platform, member id
PROPOSED, ACCEPTED, DECLINED, EXPIRED = "proposed", "accepted", "declined", "expired"


def stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


@dataclass(frozen=True, slots=True)
class Figures:
    """What chose a candidate: counts over the look-back weeks, and the score they add up to."""

    first_responses: int
    helpful_replies: int
    feedback: int
    active_weeks: int
    score: int


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    community: str
    week: str
    account: Account
    figures: Figures
    status: str
    proposed_at: datetime
    decided_at: datetime | None
    decided_by: Account | None = None


@dataclass(frozen=True, slots=True)
class Ambassador:
    """One account of an ambassador (a person with linked accounts has one row per account)."""

    account: Account
    since: datetime
    granted: bool
    removed_at: datetime | None


def _candidate(row: dict) -> Candidate:
    figures = Figures(row["first_responses"], row["helpful_replies"], row["feedback"], row["active_weeks"],
                      row["score"])
    decided = row["decided_at"]
    by = (row["decided_platform"], row["decided_by"]) if row["decided_by"] else None
    return Candidate(row["id"], row["community"], row["week"], (row["platform"], row["member_id"]), figures,
                     row["status"], datetime.fromisoformat(row["proposed_at"]),
                     datetime.fromisoformat(decided) if decided else None, by)


def _ambassador(row: dict) -> Ambassador:
    removed = row["removed_at"]
    return Ambassador((row["platform"], row["member_id"]), datetime.fromisoformat(row["since"]),
                      bool(row["granted"]), datetime.fromisoformat(removed) if removed else None)


# -- the weekly round ----------------------------------------------------------------------------------------------
def claim_round(db: sqlite_utils.Database, community: str, week: str, now: datetime) -> bool:
    """Start the round of `week` (True), or say it was already started (False): one card per week."""
    with db.atomic():
        cursor = db.execute(
            f"INSERT OR IGNORE INTO {ROUNDS} (community, week, status, started_at) VALUES (?, ?, 'selecting', ?)",
            [community, week, stamp(now)])
    return cursor.rowcount == 1


def round_status(db: sqlite_utils.Database, community: str, week: str) -> str | None:
    row = db.execute(f"SELECT status FROM {ROUNDS} WHERE community = ? AND week = ?", [community, week]).fetchone()
    return row[0] if row else None


def add_candidates(db: sqlite_utils.Database, community: str, week: str, picks: Iterable[tuple[Account, Figures]],
                   now: datetime) -> None:
    """Store the round's candidates and mark it selected, in one transaction (a crash keeps both or neither)."""
    with db.atomic():
        for (platform, member_id), f in picks:
            db.execute(
                f"INSERT INTO {CANDIDATES} (community, week, platform, member_id, score, first_responses,"
                " helpful_replies, feedback, active_weeks, proposed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [community, week, platform, member_id, f.score, f.first_responses, f.helpful_replies, f.feedback,
                 f.active_weeks, stamp(now)])
        db.execute(f"UPDATE {ROUNDS} SET status = 'selected' WHERE community = ? AND week = ?", [community, week])


def finish_round(db: sqlite_utils.Database, community: str, week: str) -> None:
    with db.atomic():
        db.execute(f"UPDATE {ROUNDS} SET status = 'posted' WHERE community = ? AND week = ?", [community, week])


def round_candidates(db: sqlite_utils.Database, community: str, week: str) -> list[Candidate]:
    return [_candidate(r) for r in db.query(
        f"SELECT * FROM {CANDIDATES} WHERE community = ? AND week = ? ORDER BY score DESC, id", [community, week])]


def get_candidate(db: sqlite_utils.Database, candidate_id: int) -> Candidate | None:
    rows = list(db.query(f"SELECT * FROM {CANDIDATES} WHERE id = ?", [candidate_id]))
    return _candidate(rows[0]) if rows else None


def record_card(db: sqlite_utils.Database, candidate_id: int, platform: str, channel_id: str,
                message_id: str) -> None:
    with db.atomic():
        db.execute(f"INSERT OR REPLACE INTO {CARDS} (candidate_id, platform, channel_id, message_id)"
                   " VALUES (?, ?, ?, ?)", [candidate_id, platform, channel_id, message_id])


def cards_of(db: sqlite_utils.Database, candidate_id: int) -> list[tuple[str, str, str]]:
    """(platform, channel id, message id) of every posted copy of a candidate's card."""
    return [tuple(r) for r in db.execute(
        f"SELECT platform, channel_id, message_id FROM {CARDS} WHERE candidate_id = ? ORDER BY platform",
        [candidate_id]).fetchall()]


def decide(db: sqlite_utils.Database, candidate_id: int, status: str, by: Account, now: datetime) -> bool:
    """Accept or decline a proposed candidate; False when someone decided first (or it expired)."""
    with db.atomic():
        cursor = db.execute(
            f"UPDATE {CANDIDATES} SET status = ?, decided_at = ?, decided_by = ?, decided_platform = ?"
            " WHERE id = ? AND status = ?", [status, stamp(now), by[1], by[0], candidate_id, PROPOSED])
    return cursor.rowcount == 1


def not_to_propose(db: sqlite_utils.Database, community: str, snoozed_since: datetime) -> set[Account]:
    """Accounts to leave off a new card: current ambassadors, candidates still waiting for a decision, and those
    a CM answered "Not now" to since `snoozed_since`."""
    rows = db.execute(
        f"SELECT platform, member_id FROM {AMBASSADORS} WHERE community = ? AND removed_at IS NULL"
        f" UNION SELECT platform, member_id FROM {CANDIDATES} WHERE community = ? AND (status = ?"
        " OR (status = ? AND decided_at >= ?))",
        [community, community, PROPOSED, DECLINED, stamp(snoozed_since)]).fetchall()
    return {(p, m) for p, m in rows}


def expire_stale(db: sqlite_utils.Database, community: str, proposed_before: datetime, now: datetime) -> list[int]:
    """Candidates nobody decided on since `proposed_before` become expired; returns their ids (to close cards)."""
    with db.atomic():
        ids = [r[0] for r in db.execute(
            f"SELECT id FROM {CANDIDATES} WHERE community = ? AND status = ? AND proposed_at < ?",
            [community, PROPOSED, stamp(proposed_before)]).fetchall()]
        db.conn.executemany(f"UPDATE {CANDIDATES} SET status = ?, decided_at = ? WHERE id = ?",
                       [(EXPIRED, stamp(now), i) for i in ids])
    return ids


# -- ambassadors -----------------------------------------------------------------------------------------------------
def appoint(db: sqlite_utils.Database, community: str, accounts: Iterable[Account], by: Account,
            now: datetime) -> None:
    """Make every account of a person an ambassador (a removed one is appointed again, from now)."""
    with db.atomic():
        for platform, member_id in accounts:
            db.execute(
                f"INSERT INTO {AMBASSADORS} (community, platform, member_id, since, appointed_by, appointed_platform,"
                " granted) VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (community, platform, member_id) DO UPDATE SET"
                " since = excluded.since, appointed_by = excluded.appointed_by,"
                " appointed_platform = excluded.appointed_platform, granted = 0, removed_at = NULL,"
                " removed_by = NULL, removed_platform = NULL",
                [community, platform, member_id, stamp(now), by[1], by[0]])


def mark_granted(db: sqlite_utils.Database, community: str, account: Account, granted: bool) -> None:
    with db.atomic():
        db.execute(f"UPDATE {AMBASSADORS} SET granted = ? WHERE community = ? AND platform = ? AND member_id = ?",
                   [int(granted), community, *account])


def remove(db: sqlite_utils.Database, community: str, accounts: Iterable[Account], by: Account,
           now: datetime) -> list[Account]:
    """Remove the accounts that are ambassadors now; returns those (to take their role back)."""
    removed: list[Account] = []
    with db.atomic():
        for platform, member_id in accounts:
            cursor = db.execute(
                f"UPDATE {AMBASSADORS} SET removed_at = ?, removed_by = ?, removed_platform = ?"
                " WHERE community = ? AND platform = ? AND member_id = ? AND removed_at IS NULL",
                [stamp(now), by[1], by[0], community, platform, member_id])
            if cursor.rowcount:
                removed.append((platform, member_id))
    return removed


def current(db: sqlite_utils.Database, community: str) -> list[Ambassador]:
    """Every account that is an ambassador now, longest-serving first."""
    return [_ambassador(r) for r in db.query(
        f"SELECT * FROM {AMBASSADORS} WHERE community = ? AND removed_at IS NULL ORDER BY since, platform, member_id",
        [community])]


def periods(db: sqlite_utils.Database, community: str) -> dict[Account, tuple[int, int | None]]:
    """When each account was an ambassador: (since, removed or None), epoch seconds, for the report."""
    return {
        (p, m): (epoch(since), epoch(removed) if removed else None)
        for p, m, since, removed in db.execute(
            f"SELECT platform, member_id, since, removed_at FROM {AMBASSADORS} WHERE community = ?", [community])
    }


# -- the monthly thank-you ledger -------------------------------------------------------------------------------------
def thanks_post(db: sqlite_utils.Database, community: str, month: str) -> int | None:
    """The calendar post drafted for `month` (YYYY-MM), if the draft was recorded."""
    row = db.execute(f"SELECT post_id FROM {THANKS} WHERE community = ? AND month = ?", [community, month]).fetchone()
    return int(row[0]) if row else None


def record_thanks(db: sqlite_utils.Database, community: str, month: str, post_id: int, now: datetime) -> None:
    with db.atomic():
        db.execute(f"INSERT OR IGNORE INTO {THANKS} (community, month, post_id, drafted_at) VALUES (?, ?, ?, ?)",
                   [community, month, post_id, stamp(now)])


# -- retention ---------------------------------------------------------------------------------------------------------
def purge(db: sqlite_utils.Database, community: str, before: datetime) -> int:
    """Erase candidates decided (declined, expired, accepted) and ambassadors removed before `before`."""
    cutoff = stamp(before)
    with db.atomic():
        gone = db.execute(
            f"DELETE FROM {CANDIDATES} WHERE community = ? AND status != ? AND decided_at < ?",
            [community, PROPOSED, cutoff]).rowcount
        gone += db.execute(f"DELETE FROM {AMBASSADORS} WHERE community = ? AND removed_at < ?",
                           [community, cutoff]).rowcount
    return gone
