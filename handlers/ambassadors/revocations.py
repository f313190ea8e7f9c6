"""Taking an ambassador's role back, durably: pending work in the store until the platform has done it.

A role is taken back when a CM removes an ambassador and when the member asks to be forgotten (in chat or through
an admin's `cmbot privacy forget`, which runs with no platform connected). Either way the revocation is written
first, as a row of `ambassador_role_revocations`, in the same transaction as the removal or the erasure, so
neither a platform that is down nor a stop loses it. The running bot then tries each row: at once for the
command that wrote it, at start, and every minute for the rows whose time has come; a failure waits twice as long
as the one before (one minute, then two, four… at most six hours). A row goes when the platform took the role
back, or answered that the member (or the role) is no longer there. The row holds the platform ids only, and
only as long as the work is pending: it is the last trace of a forgotten member, kept to finish forgetting them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.actions import RevokeRole
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.store.instants import utc_text
from bot.text import Text
from config.settings import Community
from handlers.ambassadors import records
from handlers.ambassadors.cards import platform_name
from handlers.ambassadors.migrations import REVOCATIONS

log = logging.getLogger(__name__)
TABLE = REVOCATIONS
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
Account = tuple[str, str]  # (platform, member id)


def wait_after(attempts: int) -> timedelta:
    """The back-off after `attempts` failures: doubling from one minute, at most six hours."""
    return min(FIRST_WAIT * (2 ** min(max(attempts - 1, 0), 20)), LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class Revocation:
    id: int
    community: str
    platform: str
    member_id: str
    role_id: str
    attempts: int


def queue(db: sqlite_utils.Database, community: Community, accounts: Iterable[Account], now: datetime) -> int:
    """Write the revocations of the accounts' roles (those configured on their platform); no commit: the caller's
    transaction (the removal, the erasure) carries it. Returns how many rows were written."""
    written = 0
    for platform, member_id in accounts:
        role = community.ambassadors.role_for(platform)
        if role is None:
            continue
        written += db.execute(
            f"INSERT OR IGNORE INTO {TABLE} (community, platform, member_id, role_id, queued_at, attempts, next_try)"
            " VALUES (?, ?, ?, ?, ?, 0, ?)", [community.id, platform, member_id, role, utc_text(now), utc_text(now)],
        ).rowcount
    return written


def pending(db: sqlite_utils.Database, community: str | None = None, accounts: Iterable[Account] = (),
            due_by: datetime | None = None) -> list[Revocation]:
    """Pending revocations: of some accounts (whatever their time), or all whose time has come by `due_by`."""
    clauses, params = [], []
    if community is not None:
        clauses.append("community = ?")
        params.append(community)
    wanted = list(accounts)
    if wanted:
        clauses.append("(" + " OR ".join("(platform = ? AND member_id = ?)" for _ in wanted) + ")")
        params += [part for account in wanted for part in account]
    if due_by is not None:  # a row never tried is due at once, whatever clock wrote it (the CLI's, the bot's)
        clauses.append("(attempts = 0 OR next_try <= ?)")
        params.append(utc_text(due_by))
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = db.execute(f"SELECT id, community, platform, member_id, role_id, attempts FROM {TABLE}{where}"
                      " ORDER BY next_try, id", params).fetchall()
    return [Revocation(*row) for row in rows]


def finish(db: sqlite_utils.Database, revocation_id: int) -> None:
    db.execute(f"DELETE FROM {TABLE} WHERE id = ?", [revocation_id])
    db.conn.commit()


def postpone(db: sqlite_utils.Database, revocation_id: int, error: str, now: datetime) -> datetime:
    """Count a failure and set the next try after the back-off; returns when."""
    attempts = db.execute(f"SELECT attempts FROM {TABLE} WHERE id = ?", [revocation_id]).fetchone()
    tries = (attempts[0] if attempts else 0) + 1
    upcoming = now + wait_after(tries)
    db.execute(f"UPDATE {TABLE} SET attempts = ?, next_try = ?, last_error = ? WHERE id = ?",
               [tries, utc_text(upcoming), error[:200], revocation_id])
    db.conn.commit()
    return upcoming


def forget_step(db: sqlite_utils.Database, community: Community, accounts: tuple[Account, ...],
                now: datetime) -> int:
    """Forget-me's step (in its transaction): an ambassador stops being one, and the role on every platform of
    their accounts (one linked after the appointment too) is queued to be taken back; the erasure that follows
    takes their records. Returns how many revocations were queued."""
    mine = list(accounts)
    removed = records.remove(db, community.id, mine, mine[0], now) if mine else []
    if not removed:
        return 0
    return queue(db, community, removed + [a for a in mine if a not in removed], now)


class RoleRevocations:
    """Carries out the pending revocations on the running platforms."""

    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 communities: Iterable[Community]) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.communities = {c.id: c for c in communities}

    async def attempt(self, community: Community, accounts: Iterable[Account]) -> list[Text]:
        """Try the accounts' pending revocations now, whatever their back-off; one line per account for the
        answer of the command that wrote them (taken back, or why not and that it will be done)."""
        wanted = list(accounts)
        rows = await self.store.run(lambda db: pending(db, community.id, wanted)) if wanted else []
        lines: list[Text] = []
        for row in rows:
            shown = platform_name(row.platform)
            outcome = await self._try(row, community)
            if outcome is None:
                lines.append(self._say(community, "ambassadors.answer.revoke_waits", platform=shown))
            elif outcome.ok or outcome.gone:
                lines.append(self._say(community, "ambassadors.answer.revoked", platform=shown))
            else:
                lines.append(self._say(community, "ambassadors.answer.revoke_retried", platform=shown,
                                       reason=outcome.error or "?"))
        return lines

    async def retry_due(self) -> int:
        """Every pending revocation whose time has come, on the platforms running; returns how many were done."""
        now = self.clock.now()
        done = 0
        for row in await self.store.run(lambda db: pending(db, due_by=now)):
            community = self.communities.get(row.community)
            if community is None:
                continue  # a community no longer configured: its rows wait, harmless, for it to come back
            outcome = await self._try(row, community)
            done += bool(outcome is not None and (outcome.ok or outcome.gone))
        return done

    async def _try(self, row: Revocation, community: Community):
        """One try: None when the platform is not running here (the row waits, untouched)."""
        platform = PlatformName(row.platform)
        if not self.outbox.has(platform):
            return None
        reason = self.catalogue.string(community.locale, "ambassadors.reason.revoke")
        result = await self.outbox.send(platform, RevokeRole(member_id=row.member_id, role_id=row.role_id,
                                                             reason=reason))
        if result.ok or result.gone:
            await self.store.run(lambda db: finish(db, row.id))
            if result.gone:
                log.info("ambassador role on %s: nothing to take back (%s)", row.platform, result.error)
            return result
        now = self.clock.now()
        upcoming = await self.store.run(lambda db: postpone(db, row.id, result.error or "?", now))
        log.warning("ambassador role on %s not taken back yet (%s); next try at %s", row.platform, result.error,
                    upcoming.isoformat())
        return result

    def _say(self, community: Community, key: str, **values) -> Text:
        return self.catalogue.text(community.locale, key, **values)
