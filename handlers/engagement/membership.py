"""Each account's last join or leave, rolled up to a mark: who was a member at an instant, without the whole log.

Whether an account is a member at an instant is decided by its latest join or leave before it (at the same
second a leave follows a join). Read from the raw log, that walks every join and leave ever written, so the
weekly report grew with the log. This roll-up keeps one row per account (its last join or leave before the
mark); an instant at or after the mark is answered from it plus the raw joins and leaves since the mark (a
couple of weeks of them: the nightly roll-up keeps the mark two weeks behind, so this week's and last week's
reports are both after it). An instant before the mark falls back to the raw log, exactly as before.

A row written late (before the mark) drops the roll-up, which the next pass rebuilds (a later change is never
overwritten by an older one); forgetting a member deletes their row (declared as personal
data); the retention purge drops the rows whose change was purged from the log, so both ways agree.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from handlers.engagement.migrations import EVENTS, MEMBERSHIP, MEMBERSHIP_MARKS

Account = tuple[str, str]
# A change's order key: twice its second, plus one for a leave, so that at the same second the leave wins.
_KEY = "(at * 2 + (kind = 'leave'))"


def covered_until(db: sqlite_utils.Database, community: str) -> int | None:
    row = db.execute(f"SELECT covered_until FROM {MEMBERSHIP_MARKS} WHERE community = ?", [community]).fetchone()
    return int(row[0]) if row is not None else None


def advance(db: sqlite_utils.Database, community: str, until: int) -> None:
    """Roll the joins and leaves of `community` up to `until` (epoch seconds, exclusive), in one transaction
    (joins and leaves are about 1 % of the log: even a first roll-up of a large log is one indexed pass)."""
    start = covered_until(db, community)
    if start is not None and start >= until:
        return
    with db.atomic():
        db.execute(
            f"INSERT INTO {MEMBERSHIP} (community, platform, member_id, kind, at)"
            f" SELECT community, platform, member_id, CASE WHEN max({_KEY}) % 2 THEN 'leave' ELSE 'join' END,"
            f" max({_KEY}) / 2 FROM {EVENTS} WHERE community = ? AND kind IN ('join', 'leave') AND at >= ? AND at < ?"
            " GROUP BY platform, member_id"
            " ON CONFLICT (community, platform, member_id) DO UPDATE SET kind = excluded.kind, at = excluded.at"
            f" WHERE excluded.at * 2 + (excluded.kind = 'leave')"
            f" >= {MEMBERSHIP}.at * 2 + ({MEMBERSHIP}.kind = 'leave')",
            [community, start if start is not None else -(2**62), until],
        )
        db.execute(f"INSERT OR REPLACE INTO {MEMBERSHIP_MARKS} (community, covered_until) VALUES (?, ?)",
                   [community, until])


def reopen_after(db: sqlite_utils.Database, community: str, earliest: int) -> None:
    """A row at `earliest` was written after the mark passed it: the roll-up is dropped and rebuilt by the next
    pass (a row kept for an account may be later than the row that came late, and what came before it is not
    kept). The mark is two weeks back, so this is rare; until then questions read the raw log, as before.
    Rows written on time are after the mark: one indexed look-up that changes nothing."""
    mark = covered_until(db, community)
    if mark is not None and mark > earliest:
        db.execute(f"DELETE FROM {MEMBERSHIP} WHERE community = ?", [community])
        db.execute(f"DELETE FROM {MEMBERSHIP_MARKS} WHERE community = ?", [community])


def purge_before(db: sqlite_utils.Database, community: str, cutoff: int) -> int:
    """After the retention purge: changes older than `cutoff` left the log, so they leave here too."""
    return db.execute(f"DELETE FROM {MEMBERSHIP} WHERE community = ? AND at < ?", [community, cutoff]).rowcount


def last_changes(db: sqlite_utils.Database, community: str, instant: int, where: str = "",
                 params: Iterable[str] = ()) -> dict[Account, str]:
    """Each account's last join or leave ('join' or 'leave') before `instant` (exclusive). `where`/`params`
    narrow the accounts (e.g. " AND platform = ?")."""
    params = list(params)
    mark = covered_until(db, community)
    last: dict[Account, str] = {}
    since = -(2**62)
    if mark is not None and mark <= instant:
        last.update(((p, m), k) for p, m, k in db.execute(
            f"SELECT platform, member_id, kind FROM {MEMBERSHIP} WHERE community = ?{where}", [community, *params]))
        since = mark
    for platform, member_id, kind in db.execute(
        f"SELECT platform, member_id, kind FROM {EVENTS} WHERE community = ? AND kind IN ('join', 'leave')"
        f" AND at >= ? AND at < ?{where} ORDER BY at, kind",  # at the same second a join comes before a leave
        [community, since, instant, *params],
    ):
        last[(platform, member_id)] = kind
    return last
