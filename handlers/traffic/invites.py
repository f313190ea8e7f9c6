"""The owner of `traffic_invites` (one tracked invite link per campaign and source) and `traffic_joins` (the
source each arrival is attributed to, and how sure we are)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from handlers.traffic.migrations import INVITES, JOINS

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
INVITE_URL = "https://discord.gg/{code}"

# How a join was attributed. Only INVITE names a campaign and source; the others count as "unknown".
INVITE = "invite"  # the one tracked link whose count went up
UNTRACKED = "untracked"  # an invite link no campaign owns (made by hand in Discord)
AMBIGUOUS = "ambiguous"  # several joins and several links moved in the same reading: no guess
NO_INVITE = "no_invite"  # no link's count moved (vanity URL, server discovery, a one-use link gone)
NO_PERMISSION = "no_permission"  # the bot cannot read the counts (Manage Server missing)
NO_BASELINE = "no_baseline"  # the counts were never read before this join (the bot just started)
ATTRIBUTIONS = (INVITE, UNTRACKED, AMBIGUOUS, NO_INVITE, NO_PERMISSION, NO_BASELINE)


def valid_name(name: str) -> bool:
    """Campaign and source names: short slugs, as UTM values are."""
    return bool(_NAME.match(name))


def normalise_name(name: str) -> str:
    return name.strip().lower()


@dataclass(frozen=True, slots=True)
class TrackedInvite:
    platform: str
    code: str
    community: str
    campaign: str
    source: str
    channel_id: str
    created_at: str

    @property
    def url(self) -> str:
        return INVITE_URL.format(code=self.code)


def _invite(row: tuple) -> TrackedInvite:
    return TrackedInvite(*row)


_COLUMNS = "platform, code, community, campaign, source, channel_id, created_at"


def invite_for(db: sqlite_utils.Database, community: str, campaign: str, source: str) -> TrackedInvite | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM {INVITES} WHERE community = ? AND campaign = ? AND source = ?"
                     " AND deleted_at IS NULL ORDER BY created_at LIMIT 1", [community, campaign, source]).fetchone()
    return _invite(row) if row else None


def tracked(db: sqlite_utils.Database, platform: str, space_id: str) -> dict[str, TrackedInvite]:
    """The space's tracked links by code (deleted ones included: a join may be read after the deletion)."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM {INVITES} WHERE platform = ? AND space_id = ?",
                      [platform, space_id]).fetchall()
    return {row[1]: _invite(row) for row in rows}


def list_invites(db: sqlite_utils.Database, community: str) -> list[TrackedInvite]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM {INVITES} WHERE community = ? AND deleted_at IS NULL"
                      " ORDER BY campaign, source", [community]).fetchall()
    return [_invite(row) for row in rows]


def save_invite(db: sqlite_utils.Database, *, platform: str, code: str, community: str, space_id: str,
                campaign: str, source: str, channel_id: str, created_by: str, now: datetime) -> TrackedInvite:
    with db.atomic():
        db.execute(
            f"INSERT OR REPLACE INTO {INVITES} (platform, code, community, space_id, campaign, source, channel_id,"
            " url, created_by, created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [platform, code, community, space_id, campaign, source, channel_id, INVITE_URL.format(code=code),
             created_by, now.isoformat()],
        )
    return TrackedInvite(platform, code, community, campaign, source, channel_id, now.isoformat())


def mark_deleted(db: sqlite_utils.Database, platform: str, code: str, now: datetime) -> None:
    with db.atomic():
        db.execute(f"UPDATE {INVITES} SET deleted_at = ? WHERE platform = ? AND code = ? AND deleted_at IS NULL",
                   [now.isoformat(), platform, code])


@dataclass(frozen=True, slots=True)
class Attribution:
    member_id: str
    joined_at: int
    attribution: str
    code: str | None = None


def record_joins(db: sqlite_utils.Database, community: str, platform: str, invites: dict[str, TrackedInvite],
                 results: Iterable[Attribution]) -> None:
    """Write each join's attribution; a tracked code gives its campaign and source, an untracked one none."""
    rows = []
    for result in results:
        invite = invites.get(result.code or "")
        how = result.attribution
        if how == INVITE and invite is None:
            how = UNTRACKED
        rows.append((community, platform, result.member_id, result.joined_at, result.code,
                     invite.campaign if invite and how == INVITE else None,
                     invite.source if invite and how == INVITE else None, how))
    with db.atomic():
        db.conn.executemany(
            f"INSERT INTO {JOINS} (community, platform, member_id, joined_at, code, campaign, source, attribution)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def joins_of(db: sqlite_utils.Database, community: str) -> list[tuple[str, str, str | None, str | None, str]]:
    """(platform, member id, campaign, source, attribution) of every recorded join, oldest first."""
    return db.execute(f"SELECT platform, member_id, campaign, source, attribution FROM {JOINS}"
                      " WHERE community = ? ORDER BY joined_at, id", [community]).fetchall()
