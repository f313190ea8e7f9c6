"""The moderation queue: raising flags (store first, then the card) and the moderators' buttons.

A flag is written to the store before its card is posted, so a crash between the two loses no finding; the
card's message id is kept, once the platform gives it, so a decision can edit it. A flag costs one store trip:
the flag, its automatic action and the card references learnt since the previous trip are written together,
and the trip gives back the rows the card is drawn from; flags raised together share one trip and one commit
(`flag_writes`). The rules' flags are not waited for on the message's way (`raise_later`): the message goes on
to the next handlers, and the flag's automatic action, card and alert come as a `Later` step once the flag is
committed. Card references wait in memory until then (or until a
button, a flush or the stop writes them); a crash in between loses only the reference, and a later decision
then posts a fresh card instead of editing the old one. Buttons carry
`mod:<verb>:<flag id>`; only CMs and admins may use them, and a decision is claimed in the store before it is
carried out, so two moderators clicking at once act once. Nothing here sends: every method returns the steps
(`bot.handling`) for the dispatcher to carry out, in order.
"""

from __future__ import annotations

import logging
from asyncio import Future
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TypeVar

from sqlite_utils import Database

from bot.actions import (
    Action,
    ActionResult,
    Answer,
    Content,
    DeleteMessage,
    DirectMessage,
    EditMessage,
    Field,
    Post,
    TimeoutMember,
)
from bot.clock import Clock
from bot.events import ButtonClicked, PlatformName
from bot.handling import Later, Step, Then
from bot.i18n import Catalogue
from bot.platform import Capability
from bot.roles import Role, may, roles_of
from bot.store import Store
from config.settings import Community
from handlers.moderation import flags as store_flags
from handlers.moderation import observations
from handlers.moderation.alerts import Alerts
from handlers.moderation.cards import STATUS_OF, VERBS, flag_card, remaining_verbs
from handlers.moderation.flag_writes import FlagWrites
from handlers.moderation.flags import FlagDraft, Raised

log = logging.getLogger(__name__)
T = TypeVar("T")
MODERATORS = frozenset({Role.CM, Role.ADMIN})
Capabilities = Callable[[PlatformName, Capability], bool]  # `Outbox.can`: what the running platform can do
CardShown = Callable[[bool], Awaitable[list["Step"]]]  # told whether the card reached the moderators


class Queue:
    def __init__(
        self, store: Store, can: Capabilities, catalogue: Catalogue, clock: Clock, alerts: Alerts | None = None
    ) -> None:
        self.store = store
        self.can = can
        self.catalogue = catalogue
        self.clock = clock
        self.alerts = alerts
        self._cards: dict[int, tuple[str, str]] = {}  # card references not yet written: flag id -> (channel, id)
        self.writes = FlagWrites(store, self._take_cards, self._give_back)

    def queue_channel(self, community: Community, platform: PlatformName) -> str | None:
        space = community.space(platform.value)
        return space.channels.moderation if space is not None else None

    def raise_later(self, draft: FlagDraft, community: Community, names: dict[str, str]) -> Later:
        """The flag without the wait: it joins the flags waiting for the store now, and a `Later` step makes
        the trip (with every flag decided beside it), then gives the rest (the automatic action, the card, an
        alert) once the flag is committed. The message's own way goes on at once."""
        return Later(self._once_written(self.writes.add(draft), draft, community, names))

    async def _once_written(self, written: Future[Raised], draft: FlagDraft, community: Community,
                            names: dict[str, str]) -> list[Step]:
        return await self._raised(await self.writes.written(written), draft, community, names)

    async def raise_flag(self, draft: FlagDraft, community: Community, names: dict[str, str],
                         card_shown: CardShown | None = None) -> list[Step]:
        """Store the flag, then the steps: the automatic action, the card (posted or refreshed), an alert.

        `card_shown`, when given, is told whether the card reached a moderation channel, once the platform
        has answered, and its steps follow the card's."""
        return await self._raised(await self.writes.raise_flag(draft), draft, community, names, card_shown)

    async def _raised(self, raised: Raised, draft: FlagDraft, community: Community, names: dict[str, str],
                      card_shown: CardShown | None = None) -> list[Step]:
        """The steps of a committed flag: the automatic action, the card, an alert."""
        flag_id, created = int(raised.flag["id"]), raised.created
        platform = PlatformName(draft.platform)
        steps: list[Step] = []
        if draft.auto_action in ("delete", "delete_and_timeout"):
            steps.append(DeleteMessage(channel_id=draft.channel_id, message_id=draft.message_id, reason="cmbot"))
        if draft.auto_action == "delete_and_timeout" and self.can(platform, Capability.TIMEOUT):
            minutes = community.moderation.timeout_minutes
            steps.append(
                TimeoutMember(member_id=draft.member_id, duration=timedelta(minutes=minutes), reason="cmbot")
            )
        steps.extend(await self._show(flag_id, community, platform, names, new=created, card_shown=card_shown,
                                      loaded=(raised.flag, raised.rules, raised.actions)))
        if created and self.alerts is not None and not draft.shadow:  # a spike of observations alerts no one
            steps.extend(self.alerts.flag_raised(community, platform, draft))
        return steps

    # -- card references -----------------------------------------------------------------------------------
    async def _trip(self, work: Callable[[Database, tuple[store_flags.CardRef, ...]], T]) -> T:
        """One store trip that first writes the card references kept in memory (given back if it fails)."""
        cards = self._take_cards()
        try:
            return await self.store.run(lambda db: work(db, cards))
        except BaseException:
            self._give_back(cards)
            raise

    def _take_cards(self) -> tuple[store_flags.CardRef, ...]:
        cards = tuple((flag_id, channel, message) for flag_id, (channel, message) in self._cards.items())
        self._cards.clear()
        return cards

    def _give_back(self, cards: tuple[store_flags.CardRef, ...]) -> None:
        for flag_id, channel, message in cards:
            self._cards.setdefault(flag_id, (channel, message))

    async def flush_cards(self) -> None:
        """Write the flags still waiting and the card references kept in memory (at a stop, or before something
        reads them all)."""
        await self.writes.drain()
        if self._cards:
            await self._trip(store_flags.set_cards)

    async def _show(
        self, flag_id: int, community: Community, platform: PlatformName, names: dict[str, str], new: bool,
        card_shown: CardShown | None = None, loaded: tuple | None = None,
    ) -> list[Step]:
        """The card's step: posted when new, else edited. `loaded` (flag, rules, actions) spares a read."""
        async def told(shown: bool) -> list[Step]:
            return await card_shown(shown) if card_shown is not None else []

        if loaded is None:
            def load(db: Database, cards: tuple[store_flags.CardRef, ...]) -> tuple:
                store_flags.set_cards(db, cards)
                return (store_flags.get_flag(db, flag_id), store_flags.flag_rules(db, flag_id),
                        store_flags.flag_actions(db, flag_id))

            loaded = await self._trip(load)
        flag, rules, actions = loaded
        if flag is None:
            return await told(False)
        observing = observations.card_channel(community, platform)
        if flag["shadow"] and observing is None:
            return await told(False)  # an observation without a channel of its own: the digest shows it
        content = self._card(flag, rules, community, platform, names, actions)
        # A card stays where it is, unless it was an observation's and a live rule has joined the flag since:
        # then the moderators' queue gets a card of its own.
        moved = not flag["shadow"] and observing is not None and flag["card_channel_id"] == observing
        if not new and flag["card_message_id"] and not moved:
            edit = EditMessage(channel_id=flag["card_channel_id"], message_id=flag["card_message_id"], content=content)
            return [edit, *await told(True)]
        channel = observing if flag["shadow"] else self.queue_channel(community, platform)
        if channel is None:
            log.warning("flag %s: no moderation channel set for %s on %s", flag_id, community.id, platform)
            return await told(False)

        async def remember_card(result: ActionResult) -> list[Step]:
            shown = bool(result.ok and result.message_id)
            if shown:  # written with the next store trip of the queue (see the module's docstring)
                self._cards[flag_id] = (result.channel_id or channel, result.message_id or "")
            return await told(shown)

        return [Then(Post(channel_id=channel, content=content), remember_card)]

    async def redacted_card(self, flag_id: int, community: Community, days: int) -> tuple[str, EditMessage] | None:
        """The edit that redraws a flag's card without its erased excerpt, saying why (and the platform it is
        on); None when the flag or its card is gone."""
        def load(db: Database, cards: tuple[store_flags.CardRef, ...]) -> tuple:
            store_flags.set_cards(db, cards)
            return (store_flags.get_flag(db, flag_id), store_flags.flag_rules(db, flag_id),
                    store_flags.flag_actions(db, flag_id))

        flag, rules, actions = await self._trip(load)
        if flag is None or not flag["card_message_id"] or flag["excerpt"] is not None:
            return None
        platform = PlatformName(flag["platform"])
        content = self._card(flag, rules, community, platform, {}, actions)
        erased = Field(self.catalogue.string(community.locale, "moderation.field_excerpt"),
                       self._say(community, "excerpt_erased", days=days), inline=False)
        content = replace(content, fields=(*content.fields, erased))
        return flag["platform"], EditMessage(channel_id=flag["card_channel_id"], message_id=flag["card_message_id"],
                                             content=content)

    def _card(self, flag, rules, community: Community, platform: PlatformName, names: dict[str, str],
              actions=()) -> Content:
        return flag_card(
            flag,
            rules,
            self.catalogue,
            community.locale,
            can_timeout=self.can(platform, Capability.TIMEOUT),
            member_name=names.get(flag["member_id"], ""),
            decided_by_name=names.get(flag["decided_by"] or "", ""),
            tz=community.tz,
            actions=actions,
            names=names,
        )

    # -- buttons ------------------------------------------------------------------------------------------
    async def on_button(self, event: ButtonClicked, community: Community) -> Sequence[Step]:
        parts = event.custom_id.split(":")
        if len(parts) != 3 or parts[0] != "mod" or parts[1] not in VERBS or not parts[2].isdigit():
            return []
        verb, flag_id = parts[1], int(parts[2])

        def answer(key: str, **values) -> list[Step]:
            text = self.catalogue.text(community.locale, f"moderation.{key}", **values)
            return [Answer(interaction=event.interaction, content=Content(text=text), ephemeral=True)]

        if not may(roles_of(event.member, community, event.platform), MODERATORS):
            return answer("not_moderator")
        def read_flag(db: Database, cards: tuple[store_flags.CardRef, ...]) -> dict | None:
            store_flags.set_cards(db, cards)
            return store_flags.get_flag(db, flag_id)

        flag = await self._trip(read_flag)
        if flag is None or flag["community"] != community.id:
            return answer("flag_unknown", id=flag_id)
        done = await self.store.run(lambda db: store_flags.flag_actions(db, flag_id))
        can_timeout = self.can(event.platform, Capability.TIMEOUT)
        if verb not in remaining_verbs(flag, done, can_timeout):
            if verb == "timeout" and not can_timeout:
                return answer("timeout_unavailable")
            shown = STATUS_OF[verb] if verb in {row["action"] for row in done} else flag["status"]
            if shown == store_flags.OPEN:
                shown = STATUS_OF[verb]
            return answer("already_decided", id=flag_id, decision=self._say(community, f"decision_{shown}"))
        status = STATUS_OF[verb]
        now = self.clock.now()
        first = flag["status"] == store_flags.OPEN and await self.store.run(
            lambda db: store_flags.decide(db, flag_id, status, event.member.id, now))
        if verb != "dismiss":
            fresh = await self.store.run(lambda db: store_flags.record_action(db, flag, verb, event.member.id, now))
            if not fresh:
                return answer("already_decided", id=flag_id, decision=self._say(community, f"decision_{status}"))
        elif not first:
            return answer("already_decided", id=flag_id, decision=self._say(community, "decision_dismissed"))
        names = {event.member.id: event.member.display_name}

        async def recorded() -> list[Step]:
            card = await self._show(flag_id, community, event.platform, names, new=False)
            decision = self._say(community, f"decision_{status}")
            return [*card, *answer("decision_recorded", id=flag_id, decision=decision)]

        action = self._carry_out(verb, flag, community)
        if action is None:
            return await recorded()

        async def after(result: ActionResult) -> list[Step]:
            if not result.ok:
                await self.store.run(lambda db: store_flags.undo_action(db, flag_id, verb))
                if first:
                    await self.store.run(lambda db: store_flags.reopen(db, flag_id))
                return answer("action_failed", error=result.error or "?")
            return await recorded()

        return [Then(action, after)]

    def _carry_out(self, verb: str, flag, community: Community) -> Action | None:
        if verb == "delete":
            return DeleteMessage(channel_id=flag["channel_id"], message_id=flag["message_id"], reason="cmbot")
        if verb == "warn":
            # The warning names the rule broken and links nothing else: never the reporter, never the queue.
            text = self.catalogue.text(community.locale, "moderation.warning", community=community.name)
            return DirectMessage(member_id=flag["member_id"], content=Content(text=text))
        if verb == "timeout":
            minutes = community.moderation.timeout_minutes
            return TimeoutMember(member_id=flag["member_id"], duration=timedelta(minutes=minutes), reason="cmbot")
        return None

    def _say(self, community: Community, key: str, **values):
        return self.catalogue.text(community.locale, f"moderation.{key}", **values)
