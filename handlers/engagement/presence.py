"""The first and last activity of every account, rolled up as the log grows: who was around before an instant.

The report's membership counts, besides the members the log saw join, every account active before the week
started (it joined before the bot did). Read from the raw log, that question walks every row ever written, so
the report grew with the log (seconds at 1 million rows, minutes at 10 million). This roll-up keeps one row
per account, its first and last activity, and a mark saying up to when the log has been rolled: the question
then reads this table, plus the raw rows after the mark through the events index (a few hours of them once the
nightly roll-up ran).

The mark moves forward in slices of the log, so the first roll-up of a large existing log reports its progress;
a row written late (before the mark) pulls the mark back so it is counted; forgetting a member deletes their
row (declared as personal data); the retention purge drops the accounts whose every activity was purged.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from handlers.engagement.migrations import EVENTS, FIRST_ACTIVE, FIRST_ACTIVE_MARKS, STAFF

ACTIVE_KINDS = "('message', 'reply', 'reaction')"
# One slice of the first roll-up: six weeks of the log. Each slice merges up to every account into the table,
# so fewer, larger slices do less of that work (a year is nine slices, each shown as progress).
SLICE_SECONDS = 42 * 86_400
Progress = Callable[[int, int], None]  # (slices done, slices in all)


def covered_until(db: sqlite_utils.Database, community: str) -> int | None:
    """Up to when (epoch seconds, exclusive) the log of `community` has been rolled up; None when never."""
    row = db.execute(f"SELECT covered_until FROM {FIRST_ACTIVE_MARKS} WHERE community = ?", [community]).fetchone()
    return int(row[0]) if row is not None else None


def advance(db: sqlite_utils.Database, community: str, until: int, progress: Progress | None = None) -> int:
    """Roll the log of `community` up to `until` (epoch seconds, exclusive); returns how many slices it took.

    Each slice is committed with the mark, so an interrupted first roll-up resumes where it stopped."""
    start = covered_until(db, community)
    if start is None:
        oldest = oldest_row(db, community, ("message", "reply", "reaction"))
        start = int(oldest) if oldest is not None else until
    if start >= until:
        if covered_until(db, community) is None:
            _set_mark(db, community, until)
        return 0
    slices = -(-(until - start) // SLICE_SECONDS)
    for index in range(slices):
        low, high = start + index * SLICE_SECONDS, min(until, start + (index + 1) * SLICE_SECONDS)
        with db.atomic():
            db.execute(
                f"INSERT INTO {FIRST_ACTIVE} (community, platform, member_id, first_at, last_at)"
                f" SELECT community, platform, member_id, min(at), max(at) FROM {EVENTS}"
                f" WHERE community = ? AND kind IN {ACTIVE_KINDS} AND at >= ? AND at < ?"
                " GROUP BY platform, member_id"
                " ON CONFLICT (community, platform, member_id) DO UPDATE SET"
                " first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)",
                [community, low, high],
            )
            _set_mark(db, community, high)
        if progress is not None:
            progress(index + 1, slices)
    return slices


def oldest_row(db: sqlite_utils.Database, community: str, kinds: tuple[str, ...]) -> int | None:
    """The time of the community's oldest row of `kinds`: one seek per kind at the start of the events index
    (community, kind, at), where `min(at)` over every kind walks the whole index."""
    found = [row[0] for kind in kinds for row in db.execute(
        f"SELECT min(at) FROM {EVENTS} WHERE community = ? AND kind = ?", [community, kind]) if row[0] is not None]
    return min(found) if found else None


def _set_mark(db: sqlite_utils.Database, community: str, until: int) -> None:
    db.execute(f"INSERT OR REPLACE INTO {FIRST_ACTIVE_MARKS} (community, covered_until) VALUES (?, ?)",
               [community, until])


def reopen_after(db: sqlite_utils.Database, community: str, earliest: int) -> None:
    """A row at `earliest` was written after the mark passed it: pull the mark back so the next roll-up counts
    it (rows written on time are after the mark: one indexed look-up that changes nothing)."""
    db.execute(f"UPDATE {FIRST_ACTIVE_MARKS} SET covered_until = ? WHERE community = ? AND covered_until > ?",
               [earliest, community, earliest])


def purge_before(db: sqlite_utils.Database, community: str, cutoff: int) -> int:
    """After the retention purge: accounts whose every activity was before `cutoff` are gone from the log, so
    they go from here too. Returns how many."""
    return db.execute(f"DELETE FROM {FIRST_ACTIVE} WHERE community = ? AND last_at < ?", [community, cutoff]).rowcount


def active_before(db: sqlite_utils.Database, community: str, instant: int, where: str = "",
                  params: tuple | list = ()) -> set[tuple[str, str]]:
    """Accounts (platform, member id) with an activity (message, reply, reaction) before `instant`.

    `where`/`params` narrow the accounts (e.g. " AND platform = ?"), on columns both tables share."""
    mark = covered_until(db, community)
    rolled = min(instant, mark) if mark is not None else None
    found: set[tuple[str, str]] = set()
    if rolled is not None:
        found.update(db.execute(
            f"SELECT platform, member_id FROM {FIRST_ACTIVE} WHERE community = ? AND first_at < ?{where}",
            [community, rolled, *params],
        ).fetchall())
    if rolled is None or instant > rolled:
        found.update(db.execute(
            f"SELECT DISTINCT platform, member_id FROM {EVENTS} WHERE community = ? AND kind IN {ACTIVE_KINDS}"
            f" AND at >= ? AND at < ?{where}",
            [community, rolled if rolled is not None else -(2**62), instant, *params],
        ).fetchall())
    return found


def active_since(db: sqlite_utils.Database, community: str, platform: str, since: int) -> set[str]:
    """Member ids of `platform` with an activity (message, reply, reaction) at or after `since`, staff
    excepted (accounts last seen holding an SMM, CM or admin role): the members a survey may ask.

    Reads the raw log (indexed by kind and time) and, for what the retention purge already removed, the
    last activity kept here."""
    found = {r[0] for r in db.execute(
        f"SELECT DISTINCT member_id FROM {EVENTS} WHERE community = ? AND kind IN {ACTIVE_KINDS} AND at >= ?"
        " AND platform = ?", [community, since, platform]).fetchall()}
    found.update(r[0] for r in db.execute(
        f"SELECT member_id FROM {FIRST_ACTIVE} WHERE community = ? AND platform = ? AND last_at >= ?",
        [community, platform, since]).fetchall())
    staff = {r[0] for r in db.execute(
        f"SELECT member_id FROM {STAFF} WHERE community = ? AND platform = ? AND staff = 1",
        [community, platform]).fetchall()}
    return found - staff
