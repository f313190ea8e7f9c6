"""The domains each community has already seen linked: kept in memory for the spam rule, and in the store.

A link to a domain never seen in the community, from a member who just joined, is the classic first message of
a spam account (`rules/spam.py`). That judgement needs a memory that outlives a restart: otherwise every
domain is "new" again after each deployment and the newcomers of that day pay for it. This module owns the
`moderation_seen_domains` table (community, domain, first and last day seen; no member, no message) and the
in-memory view the rule reads on its hot path without touching the store.

The rule marks domains in memory; new ones (and known ones seen again on a later day) wait in `pending` until
`flush` writes them in one batch: every minute, on shutdown, and before an export or a forget-me. Until the
store's memory is loaded at start, the rule does not call any domain "never seen": it cannot know yet.
Domains not seen for `keep_days` are forgotten by the nightly purge, so the table stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlite_utils

TABLE = "moderation_seen_domains"
REMEMBERED = 50_000  # per community, in memory: the least recently seen are dropped first
WRITE_BATCH = 500


class SeenDomains:
    """One community's memory of linked domains, as the spam rule sees it (no I/O here)."""

    __slots__ = ("_days", "limit", "loaded", "pending")

    def __init__(self, limit: int = REMEMBERED) -> None:
        self.limit = limit
        self._days: dict[str, date] = {}  # domain -> last day seen, least recently seen first
        self.pending: dict[str, date] = {}
        self.loaded = False

    def __len__(self) -> int:
        return len(self._days)

    def __contains__(self, domain: object) -> bool:
        return domain in self._days

    def items(self) -> list[tuple[str, date]]:
        """(domain, last day seen), least recently seen first."""
        return list(self._days.items())

    def knows(self, domain: str) -> bool | None:
        """True or False once the store's memory is loaded; None before (unknown is not "never seen")."""
        if domain in self._days:
            return True
        return False if self.loaded else None

    def saw(self, domain: str, day: date) -> None:
        """Remember `domain` as seen on `day`; at most one write per domain and day."""
        last = self._days.get(domain)
        if last is not None and last >= day:
            return
        if last is not None:
            del self._days[domain]  # re-inserted at the end: the most recently seen
        self._days[domain] = day
        self.pending[domain] = day
        self._bound()

    def merge(self, stored: Iterable[tuple[str, date]]) -> None:
        """Add what the store remembers (oldest first) under what this process has seen since it started."""
        mine = self._days
        self._days = {}
        for domain, day in stored:
            self._days[domain] = day
        for domain, day in mine.items():
            stored_day = self._days.pop(domain, day)
            self._days[domain] = max(day, stored_day)
        self.loaded = True
        self._bound()

    def forget_before(self, day: date) -> None:
        """Drop what the nightly purge removed from the store, so memory and store agree."""
        for domain in [d for d, last in self._days.items() if last < day]:
            del self._days[domain]

    def take_pending(self) -> dict[str, date]:
        taken, self.pending = self.pending, {}
        return taken

    def _bound(self) -> None:
        excess = len(self._days) - self.limit
        if excess > 0:
            for domain in list(self._days)[:excess]:
                del self._days[domain]


class SeenDomainsBook:
    """Every community's memory, and its trips to the store (run with `store.run`)."""

    def __init__(self) -> None:
        self._communities: dict[str, SeenDomains] = {}

    def of(self, community: str) -> SeenDomains:
        memory = self._communities.get(community)
        if memory is None:
            memory = self._communities[community] = SeenDomains()
        return memory

    def communities(self) -> list[str]:
        return list(self._communities)


def load(db: sqlite_utils.Database, community: str, limit: int = REMEMBERED) -> list[tuple[str, date]]:
    """The community's remembered domains, the `limit` most recently seen, oldest first."""
    if not db[TABLE].exists():
        return []
    rows = db.execute(
        f"SELECT domain, last_seen FROM {TABLE} WHERE community = ? ORDER BY last_seen DESC, domain LIMIT ?",
        [community, limit],
    ).fetchall()
    return [(domain, date.fromisoformat(day)) for domain, day in reversed(rows)]


def remember(db: sqlite_utils.Database, community: str, seen: dict[str, date]) -> int:
    """Write `seen` (domain -> day): new domains get both days, known ones a later `last_seen`."""
    rows = [(community, domain, day.isoformat(), day.isoformat()) for domain, day in seen.items()]
    with db.atomic():
        for start in range(0, len(rows), WRITE_BATCH):
            db.conn.executemany(
                f"INSERT INTO {TABLE} (community, domain, first_seen, last_seen) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (community, domain) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)",
                rows[start : start + WRITE_BATCH],
            )
    return len(rows)


def forget_older(db: sqlite_utils.Database, community: str, before: date) -> int:
    """Forget the domains of `community` not seen since `before` (the retention of this memory)."""
    with db.atomic():
        cursor = db.conn.execute(
            f"DELETE FROM {TABLE} WHERE community = ? AND last_seen < ?", [community, before.isoformat()]
        )
    return cursor.rowcount


def cutoff(now: datetime, keep_days: int) -> date:
    return (now - timedelta(days=keep_days)).date()
