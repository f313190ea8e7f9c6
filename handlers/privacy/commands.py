"""`/privacy …`: any member exercises their rights themself; every answer is ephemeral.

    /privacy forget-me [confirm=yes]   erase my rows (first call: what would go; with confirm: erase)
    /privacy export                    send me my data, a JSON file by direct message
    /privacy opt-out | opt-in          stop / resume counting me in engagement figures
    /privacy link [code=…]             link my accounts on two platforms (a code from one, redeemed on the other)
    /privacy unlink                    undo my link

Each command acts on the caller's account and the accounts linked to it, in the community where it is called.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.actions import Action, Content, DirectMessage, FileAttachment
from bot.clock import Clock
from bot.commands import CommandSpec, Invocation, OptionKind, OptionSpec
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.personal_data import ForgetHook, ForgetStep, PersonalData
from bot.store import Store
from bot.text import Text
from handlers.privacy import export as exporting
from handlers.privacy.accounts import Account, accounts_of, issue_code, redeem_code, unlink
from handlers.privacy.forget import KEPT_COUNT, KeepSanctions, count_rows, forget
from handlers.privacy.inventory import described, inventory

if TYPE_CHECKING:
    from sqlite_utils import Database

    from config.settings import Community

MIB = 1024 * 1024


def bound(step: ForgetStep, community: Community, person: tuple[tuple[str, str], ...],
          now: datetime) -> Callable[[Database], object]:
    """A feature's forget step for this member, to run inside the forget's transaction."""
    return lambda db: step(db, community, person, now)


@dataclass
class PrivacyCommands:
    store: Store
    clock: Clock
    optouts: OptOuts
    outbox: Outbox
    catalogue: Catalogue
    declarations: list[PersonalData]  # filled by every feature at install; read at call time
    flush_pending: Callable[[], Awaitable[None]] | None = None  # buffered rows (engagement) written first
    # what other features undo on the platforms (an ambassador's role): the pending work their steps write in the
    # forget's transaction, then the hooks that carry it out; both filled at install, read at call time
    forget_hooks: list[ForgetHook] = field(default_factory=list)
    forget_steps: list[ForgetStep] = field(default_factory=list)

    def specs(self) -> list[CommandSpec]:
        confirm = OptionSpec("confirm", "privacy.option_confirm", OptionKind.BOOLEAN)
        code = OptionSpec("code", "privacy.option_code", max_length=20)
        return [
            CommandSpec(("privacy", "forget-me"), "privacy.forget_description", self.forget_me, options=(confirm,)),
            CommandSpec(("privacy", "export"), "privacy.export_description", self.export, slow=True),
            CommandSpec(("privacy", "opt-out"), "privacy.opt_out_description", self.opt_out),
            CommandSpec(("privacy", "opt-in"), "privacy.opt_in_description", self.opt_in),
            CommandSpec(("privacy", "link"), "privacy.link_description", self.link, options=(code,)),
            CommandSpec(("privacy", "unlink"), "privacy.unlink_description", self.unlink),
        ]

    @staticmethod
    def _caller(invocation: Invocation) -> Account:
        return Account(str(invocation.event.platform), invocation.event.member.id)

    async def _accounts(self, invocation: Invocation) -> list[Account]:
        caller = self._caller(invocation)
        community = invocation.community.id
        return await self.store.run(lambda db: accounts_of(db, community, caller))

    async def forget_me(self, invocation: Invocation) -> Sequence[Action]:
        community = invocation.community.id
        accounts = await self._accounts(invocation)
        declarations = list(self.declarations)
        days = invocation.community.privacy.keep_sanctions_days
        keep = KeepSanctions.for_days(days, self.clock.now())
        if self.flush_pending is not None:  # buffered rows (engagement) are counted and erased too
            await self.flush_pending()
        if not invocation.options.get("confirm"):
            found, counts = await self.store.run(
                lambda db: (inventory(db, community, accounts, declarations, keep),
                            count_rows(db, community, accounts, declarations, keep)))
            asked = invocation.say("privacy.forget_confirm", what=self._described(found, invocation),
                                   accounts=_account_list(accounts))
            return [invocation.answer(Text.of(asked, *_kept(invocation, counts[KEPT_COUNT], days)))]

        person = tuple((a.platform, a.member_id) for a in accounts)
        now = self.clock.now()
        steps = list(self.forget_steps)

        def erase(db) -> tuple[dict[str, int], Counter[str]]:
            found = inventory(db, community, accounts, declarations, keep)
            return found, forget(db, community, accounts, declarations, keep,
                                 [bound(step, invocation.community, person, now) for step in steps])

        found, counts = await self.store.run(erase)
        undone: list[Text] = []
        for hook in self.forget_hooks:  # the pending work the steps wrote, carried out now where it can be
            undone += await hook(invocation.community, person)
        done = invocation.say("privacy.forget_done", what=self._described(found, invocation))
        also = [part for line in undone for part in ("\n", line)]
        return [invocation.answer(Text.of(done, *_kept(invocation, counts[KEPT_COUNT], days), *also))]

    def _described(self, found: dict[str, int], invocation: Invocation) -> str:
        return described(found, self.catalogue, invocation.locale)

    async def export(self, invocation: Invocation) -> Sequence[Action]:
        """The member's data as a JSON file, by direct message only (never in a channel): Discord and Slack take
        files in DMs, the console writes it (0600) and prints its path. A document past `export_max_mib` (over
        a platform's file limit) gets a summary and the way to the full file: an admin's `cmbot privacy export`."""
        community = invocation.community
        accounts = await self._accounts(invocation)
        declarations = list(self.declarations)
        now = self.clock.now()
        if self.flush_pending is not None:
            await self.flush_pending()
        document, found = await self.store.run(
            lambda db: (exporting.collect(db, community.id, accounts, declarations, now),
                        inventory(db, community.id, accounts, declarations)))
        data = exporting.to_json(document, pretty=True).encode("utf-8")
        what = described(found, self.catalogue, community.locale)
        filename = exporting.filename(community.id, now)
        if len(data) > community.privacy.export_max_mib * MIB:
            content = Content(text=self.catalogue.text(community.locale, "privacy.export_too_large", what=what))
        else:
            content = Content(text=self.catalogue.text(community.locale, "privacy.export_file", what=what),
                              files=(FileAttachment(filename, data, "application/json"),))
        caller = self._caller(invocation)
        result = await self.outbox.send(invocation.event.platform,
                                        DirectMessage(member_id=caller.member_id, content=content))
        if not result.ok:
            return [invocation.answer("privacy.export_dm_closed")]
        if not content.files:
            return [invocation.answer("privacy.export_summary_sent")]
        return [invocation.answer("privacy.export_sent", filename=filename)]

    async def _set_opt_out(self, invocation: Invocation, opted_out: bool) -> list[Account]:
        accounts = await self._accounts(invocation)
        for account in accounts:
            await self.optouts.set(invocation.community.id, account.platform, account.member_id, opted_out)
        return accounts

    async def opt_out(self, invocation: Invocation) -> Sequence[Action]:
        accounts = await self._set_opt_out(invocation, True)
        return [invocation.answer("privacy.opted_out", accounts=_account_list(accounts))]

    async def opt_in(self, invocation: Invocation) -> Sequence[Action]:
        accounts = await self._set_opt_out(invocation, False)
        return [invocation.answer("privacy.opted_in", accounts=_account_list(accounts))]

    async def link(self, invocation: Invocation) -> Sequence[Action]:
        community = invocation.community
        caller = self._caller(invocation)
        now = self.clock.now()
        code = invocation.options.get("code")
        if not code:
            ttl = timedelta(minutes=community.privacy.link_code_minutes)
            issued = await self.store.run(lambda db: issue_code(db, community.id, caller, now, ttl))
            return [invocation.answer("privacy.link_code", code=issued, minutes=community.privacy.link_code_minutes)]
        try:
            linked = await self.store.run(lambda db: redeem_code(db, community.id, str(code), caller, now))
        except LookupError:
            return [invocation.answer("privacy.link_bad_code")]
        return [invocation.answer("privacy.linked", accounts=_account_list(linked))]

    async def unlink(self, invocation: Invocation) -> Sequence[Action]:
        caller = self._caller(invocation)
        community = invocation.community.id
        removed = await self.store.run(lambda db: unlink(db, community, caller))
        return [invocation.answer("privacy.unlinked" if removed else "privacy.not_linked")]


def _kept(invocation: Invocation, kept: int, days: int) -> tuple[str | Text, ...]:
    """The sentence about kept sanctions, only when some are kept (never « 0 sanction conservée »)."""
    if not kept:
        return ()
    return ("\n", invocation.say("privacy.forget_sanctions_kept", count=kept, days=days))


def _account_list(accounts: list[Account]) -> str:
    return ", ".join(str(a) for a in accounts)
