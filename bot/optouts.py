"""Members who asked not to be counted: the engagement log skips them.

Kept in memory for the hot path (every message asks) and in the core `members` table for restarts. The privacy
feature sets it; the engagement feature reads it.
"""

from __future__ import annotations

import sqlite_utils

from bot.store import Store

Key = tuple[str, str, str]  # community, platform, member id


class OptOuts:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._keys: set[Key] = set()

    def load(self) -> None:
        """Read the opted-out members (call once at start-up, before events flow)."""
        rows = self.store.db.execute(
            "SELECT community, platform, member_id FROM members WHERE opted_out = 1"
        ).fetchall()
        self._keys = {(r[0], r[1], r[2]) for r in rows}

    def is_opted_out(self, community: str, platform: str, member_id: str) -> bool:
        return (community, platform, member_id) in self._keys

    async def set(self, community: str, platform: str, member_id: str, opted_out: bool) -> None:
        key = (community, platform, member_id)
        await self.store.run(lambda db: _write(db, key, opted_out))
        if opted_out:
            self._keys.add(key)
        else:
            self._keys.discard(key)


def _write(db: sqlite_utils.Database, key: Key, opted_out: bool) -> None:
    community, platform, member_id = key
    db.execute(
        "INSERT INTO members (community, platform, member_id, opted_out) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (community, platform, member_id) DO UPDATE SET opted_out = excluded.opted_out",
        [community, platform, member_id, int(opted_out)],
    )
    db.conn.commit()
