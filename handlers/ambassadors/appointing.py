"""What a CM's decision does, whatever the entry point (card button, `/ambassadors remove=…`).

Accepting records the ambassador first (every linked account of the person), then gives the configured role on
each platform the person has an account on (Discord role, Slack user group, console role), thanks them by direct
message from the catalogue's template, and edits every copy of the card so nobody decides twice. A role the
platform refused is recorded as not given and said in the CM's answer; the appointment itself stands. Removing
takes the roles back on every account linked to the person (one linked after the appointment too), and so does
the member's own forget-me; both write the roles to take back in the store first (`revocations.py`), so a
platform that is down gets them later. A person's accounts on several platforms are reached through the platform
that holds each, so the decision is taken once, wherever the CM clicked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial

import sqlite_utils

from bot.actions import Content, DirectMessage, EditMessage, GrantRole
from bot.clock import Clock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.templates import Value
from bot.text import Plain, Text
from config.settings import Community
from handlers.ambassadors import records, revocations
from handlers.ambassadors.cards import decided_card, display_names, first_week_of, platform_name
from handlers.ambassadors.records import ACCEPTED, DECLINED, Account, Candidate
from handlers.ambassadors.revocations import RoleRevocations
from handlers.privacy.accounts import Account as LinkedAccount
from handlers.privacy.accounts import accounts_of

log = logging.getLogger(__name__)


@dataclass
class Decision:
    """What the CM is told: whether it happened, and one line per platform and for the thank-you."""

    ok: bool
    lines: list[Text] = field(default_factory=list)


def person_accounts(db: sqlite_utils.Database, community: str, account: Account) -> list[Account]:
    """The account and every account linked to it (`/privacy link`)."""
    return [(a.platform, a.member_id) for a in accounts_of(db, community, LinkedAccount(*account))]


def _others(removed: list[Account], linked: list[Account]) -> list[Account]:
    """The person's linked accounts that were not recorded as ambassadors: one linked after the appointment may
    hold the role too (given by hand), and taking back a role not held changes nothing."""
    return [a for a in linked if a not in removed]


class Appointments:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, catalogue: Catalogue,
                 revocations: RoleRevocations) -> None:
        self.store = store
        self.clock = clock
        self.outbox = outbox
        self.catalogue = catalogue
        self.revocations = revocations

    def _say(self, community: Community, key: str, **values: Value) -> Text:
        return self.catalogue.text(community.locale, key, **values)

    async def accept(self, candidate_id: int, by: Account, by_name: str, community: Community) -> Decision:
        candidate = await self.store.run(lambda db: records.get_candidate(db, candidate_id))
        if candidate is None or candidate.community != community.id:
            return Decision(False, [self._say(community, "ambassadors.answer.already_decided")])
        now = self.clock.now()

        def decide_and_appoint(db: sqlite_utils.Database) -> list[Account] | None:
            with db.atomic():  # the decision and the appointment land together, or neither
                if not records.decide(db, candidate_id, ACCEPTED, by, now):
                    return None
                accounts = person_accounts(db, community.id, candidate.account)
                records.appoint(db, community.id, accounts, by, now)
                return accounts

        accounts = await self.store.run(decide_and_appoint)
        if accounts is None:
            await self.close_cards(candidate, community)
            return Decision(False, [self._say(community, "ambassadors.answer.already_decided")])
        name = await self._name(community, candidate.account)
        lines = [self._say(community, "ambassadors.answer.accepted", name=Plain(name))]
        lines += await self._roles(community, accounts, grant=True)
        lines.append(await self._thank(community, candidate.account, accounts, name))
        await self.close_cards(candidate, community, ACCEPTED, by_name)
        return Decision(True, lines)

    async def decline(self, candidate_id: int, by: Account, by_name: str, community: Community) -> Decision:
        candidate = await self.store.run(lambda db: records.get_candidate(db, candidate_id))
        if candidate is None or candidate.community != community.id:
            return Decision(False, [self._say(community, "ambassadors.answer.already_decided")])
        now = self.clock.now()
        if not await self.store.run(lambda db: records.decide(db, candidate_id, DECLINED, by, now)):
            await self.close_cards(candidate, community)
            return Decision(False, [self._say(community, "ambassadors.answer.already_decided")])
        name = await self._name(community, candidate.account)
        await self.close_cards(candidate, community, DECLINED, by_name)
        weeks = community.ambassadors.snooze_weeks
        return Decision(True, [self._say(community, "ambassadors.answer.declined", name=Plain(name), weeks=weeks)])

    async def remove(self, account: Account, by: Account, community: Community) -> Decision:
        now = self.clock.now()

        def take_off(db: sqlite_utils.Database) -> tuple[list[Account], list[Account]]:
            with db.atomic():  # the removal and the roles to take back land together (revocations.py)
                accounts = person_accounts(db, community.id, account)
                removed = records.remove(db, community.id, accounts, by, now)
                if removed:
                    revocations.queue(db, community, removed + _others(removed, accounts), now)
                return removed, accounts

        removed, accounts = await self.store.run(take_off)
        if not removed:
            return Decision(False, [self._say(community, "ambassadors.answer.not_ambassador")])
        name = await self._name(community, account)
        lines = [self._say(community, "ambassadors.answer.removed", name=Plain(name))]
        lines += [self._say(community, "ambassadors.answer.no_role", platform=platform_name(platform))
                  for platform, _ in removed if community.ambassadors.role_for(platform) is None]
        lines += await self.revocations.attempt(community, accounts)
        return Decision(True, lines)

    async def forgotten(self, community: Community, accounts: tuple[Account, ...]) -> list[Text]:
        """After forget-me: its step removed the ambassador and queued their roles in the erasure's transaction;
        take them back now where the platform allows (the rest is retried until done). Says so, in forget-me's
        answer; nothing for a member who was not an ambassador."""
        mine = list(accounts)
        queued = await self.store.run(lambda db: revocations.pending(db, community.id, mine)) if mine else []
        if not queued:
            return []
        return [self._say(community, "ambassadors.answer.forgotten"),
                *await self.revocations.attempt(community, mine)]

    async def _name(self, community: Community, account: Account) -> str:
        names = await self.store.run(lambda db: display_names(db, community.id, [account]))
        return names[account]

    async def _roles(self, community: Community, accounts: list[Account], *, grant: bool) -> list[Text]:
        """Give the configured role on each account's platform; one line per account. (Taking roles back goes
        through `revocations`, durably.)"""
        assert grant, "roles are taken back through RoleRevocations"
        lines: list[Text] = []
        reason = self.catalogue.string(community.locale, "ambassadors.reason.grant")
        for platform, member_id in accounts:
            shown = platform_name(platform)
            role = community.ambassadors.role_for(platform)
            if role is None:
                lines.append(self._say(community, "ambassadors.answer.no_role", platform=shown))
                continue
            if not self.outbox.has(PlatformName(platform)):
                lines.append(self._say(community, "ambassadors.answer.not_running", platform=shown))
                continue
            result = await self.outbox.send(PlatformName(platform),
                                            GrantRole(member_id=member_id, role_id=role, reason=reason))
            await self.store.run(partial(records.mark_granted, community=community.id,
                                         account=(platform, member_id), granted=result.ok))
            if result.ok:
                lines.append(self._say(community, "ambassadors.answer.granted", platform=shown))
            else:
                lines.append(self._say(community, "ambassadors.answer.not_granted", platform=shown,
                                       reason=result.error or "?"))
        return lines

    async def _thank(self, community: Community, named: Account, accounts: list[Account], name: str) -> Text:
        """A direct message from the catalogue's template, on the platform of the account the card named (or the
        first of the person's accounts whose platform is running)."""
        running = [a for a in [named, *accounts] if self.outbox.has(PlatformName(a[0]))]
        if not running:
            return self._say(community, "ambassadors.answer.not_thanked", reason="no platform")
        platform, member_id = running[0]
        text = self.catalogue.text(community.locale, "ambassadors.thanks.dm", name=Plain(name),
                                 community=Plain(community.name))
        result = await self.outbox.send(PlatformName(platform),
                                        DirectMessage(member_id=member_id, content=Content(text=text)))
        if result.ok:
            return self._say(community, "ambassadors.answer.thanked")
        return self._say(community, "ambassadors.answer.not_thanked", reason=result.error or "?")

    async def close_cards(self, candidate: Candidate, community: Community, decision: str | None = None,
                          who: str = "") -> None:
        """Edit every copy of the candidate's card to show what was decided (or its current state)."""
        fresh = await self.store.run(lambda db: records.get_candidate(db, candidate.id))
        if fresh is None or fresh.status == records.PROPOSED:
            return
        decision = decision or fresh.status
        cards = await self.store.run(lambda db: records.cards_of(db, candidate.id))
        name = await self._name(community, candidate.account)
        if not who and fresh.decided_by is not None:  # a click on a card someone else decided: name them
            who = await self._name(community, fresh.decided_by)
        at = fresh.decided_at or self.clock.now()
        content = decided_card(fresh, name, community, self.catalogue, first_week_of(fresh, community), decision,
                               who or "—", at)
        for platform, channel_id, message_id in cards:
            if self.outbox.has(PlatformName(platform)):
                result = await self.outbox.send(PlatformName(platform), EditMessage(
                    channel_id=channel_id, message_id=message_id, content=content))
                if not result.ok:
                    log.warning("ambassador card %s on %s not updated: %s", candidate.id, platform, result.error)
