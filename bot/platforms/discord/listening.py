"""Gateway frames in, core events out: what the Discord adapter hears, and nothing else.

The frames are read through discord.py's documented debug hook `on_socket_raw_receive` (the client is made
with `enable_debug_events=True`), so our pure `translate` functions see the payload exactly as Discord sent
it, whatever discord.py's cache holds. discord.py has already applied the frame to its cache when our
listener runs (the hook's listener is a task scheduled before the parser runs), so a join's member count
already includes the newcomer. Each frame's sequence number is part of the event ids that need one: the
events Discord replays after a RESUME carry the numbers they had, and the core's dedupe counts them once.

An interaction needs discord.py's `Interaction` object to be answered: the documented `on_interaction` event
hands it over, and `InteractionRendezvous` pairs it with the frame of the same id.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from datetime import UTC, datetime
from typing import Any

import discord

from bot.actions import Content
from bot.commands import CommandRegistry
from bot.events import ButtonClicked, CommandInvoked, Event, MemberJoined, MessageReported, ModalSubmitted
from bot.i18n import Catalogue
from bot.platform import EventSink
from bot.platforms.discord import translate
from bot.platforms.discord.interactions import OpenInteraction, OpenInteractions
from bot.platforms.discord.invites import InviteWatch, invite_created, invite_deleted, read_uses
from bot.platforms.discord.render import render_content

log = logging.getLogger(__name__)
DISPATCH = 0
INTERACTION_WAIT = 3.0  # Discord's own limit for the first answer: past it, the interaction is dead anyway


class InteractionRendezvous:
    """Pairs an INTERACTION_CREATE frame with the `discord.Interaction` of the same id, whichever comes first."""

    def __init__(self) -> None:
        self._waiting: dict[int, asyncio.Future[discord.Interaction]] = {}

    def _slot(self, interaction_id: int) -> asyncio.Future[discord.Interaction]:
        slot = self._waiting.get(interaction_id)
        if slot is None:
            slot = self._waiting[interaction_id] = asyncio.get_running_loop().create_future()
        return slot

    def arrived(self, interaction: discord.Interaction) -> None:
        slot = self._slot(interaction.id)
        if not slot.done():
            slot.set_result(interaction)

    async def wait(self, interaction_id: int, timeout: float = INTERACTION_WAIT) -> discord.Interaction | None:
        try:
            return await asyncio.wait_for(asyncio.shield(self._slot(interaction_id)), timeout)
        except TimeoutError:
            return None
        finally:
            self._waiting.pop(interaction_id, None)

    def __len__(self) -> int:
        return len(self._waiting)


class GatewayListener:
    """Turns gateway frames into events for the core's sink; keeps open interactions for the answers."""

    def __init__(self, commands: CommandRegistry, catalogue: Catalogue, locales: Mapping[str, str],
                 report_name: str, interactions: OpenInteractions) -> None:
        self.commands = commands
        self.catalogue = catalogue
        self.locales = locales
        self.report_name = report_name
        self.interactions = interactions
        self.rendezvous = InteractionRendezvous()
        self.client: discord.Client | None = None
        self.sink: EventSink | None = None
        self.session_id: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._no_invite_access: set[str] = set()
        self.invite_watch = InviteWatch(self._read_invites, lambda seen: self._spawn(self._hand_over(seen)),
                                        self._spawn)

    # -- the two documented hooks the client forwards -------------------------------------------------------
    async def on_frame(self, raw: str | bytes) -> None:
        """`on_socket_raw_receive`: one decompressed gateway frame, as text."""
        try:
            frame = json.loads(raw)
        except ValueError:
            return
        if not isinstance(frame, dict) or frame.get("op") != DISPATCH:
            return
        name, data, sequence = frame.get("t"), frame.get("d"), frame.get("s")
        if not isinstance(data, dict):
            return
        if name == "READY":
            self.session_id = str(data.get("session_id"))
        try:
            await self._on_dispatch(str(name), data, f"{self.session_id}:{sequence}")
        except Exception:
            log.exception("cannot translate a Discord %s payload", name)

    def on_interaction(self, interaction: discord.Interaction) -> None:
        """`on_interaction`: discord.py's object for an interaction whose frame we translate."""
        self.rendezvous.arrived(interaction)

    # -- frames -> events ------------------------------------------------------------------------------------
    async def _on_dispatch(self, name: str, data: dict[str, Any], sequence: str) -> None:
        now = datetime.now(UTC)
        translations: dict[str, Callable[[], Event | None]] = {
            "GUILD_MEMBER_ADD": lambda: translate.member_joined(data, now, self._member_count(data)),
            "GUILD_MEMBER_REMOVE": lambda: translate.member_left(data, now, sequence),
            "MESSAGE_CREATE": lambda: translate.message_event(data, now, thread_parent_id=self._parent_of(data)),
            "MESSAGE_UPDATE": lambda: translate.message_event(data, now, edited=True,
                                                              thread_parent_id=self._parent_of(data)),
            "MESSAGE_DELETE": lambda: translate.message_deleted(data, now),
            "MESSAGE_REACTION_ADD": lambda: translate.reaction(data, now, added=True, sequence=sequence),
            "MESSAGE_REACTION_REMOVE": lambda: translate.reaction(data, now, added=False, sequence=sequence),
            "MESSAGE_POLL_VOTE_ADD": lambda: translate.poll_vote(data, now, added=True, sequence=sequence),
            "MESSAGE_POLL_VOTE_REMOVE": lambda: translate.poll_vote(data, now, added=False, sequence=sequence),
            "INVITE_CREATE": lambda: invite_created(data, now),
            "INVITE_DELETE": lambda: invite_deleted(data, now),
        }
        if name == "INTERACTION_CREATE":
            await self._on_interaction_frame(data)
            return
        if name == "GUILD_CREATE" and "id" in data:
            self.invite_watch.refresh(str(data["id"]))  # the counts the next joins are compared with
        translation = translations.get(name)
        if translation is not None:
            event = translation()
            if event is not None:
                self._spawn(self._hand_over(event))
            if isinstance(event, MemberJoined) and not event.member.is_bot:
                self.invite_watch.joined(event.space_id, event.member.id, int(event.at.timestamp()))

    async def _read_invites(self, guild_id: str) -> dict[str, int] | None:
        if self.client is None:
            return None
        return await read_uses(self.client, guild_id, self._no_invite_access)

    def _member_count(self, data: dict[str, Any]) -> int | None:
        """The guild's size with this member in (discord.py counted the join before our listener ran)."""
        guild = self.client.get_guild(int(data["guild_id"])) if self.client and "guild_id" in data else None
        return guild.member_count if guild is not None else None

    def _dm_space(self, data: dict[str, Any]) -> str | None:
        """The guild a DM interaction belongs to: the only one we serve, else the one (in discord.py's cache)
        that has the member; None when that cannot be told."""
        if "guild_id" in data or not isinstance(data.get("user"), dict):
            return None
        if len(self.locales) == 1:
            return next(iter(self.locales))
        user_id = int(data["user"]["id"])
        for space_id in self.locales:
            guild = self.client.get_guild(int(space_id)) if self.client else None
            if guild is not None and guild.get_member(user_id) is not None:
                return space_id
        log.info("a direct-message interaction of %s matches no single guild: ignored", user_id)
        return None

    def _parent_of(self, data: dict[str, Any]) -> str | None:
        if self.client is None or "channel_id" not in data:
            return None
        channel = self.client.get_channel(int(data["channel_id"]))
        return str(channel.parent_id) if isinstance(channel, discord.Thread) else None

    async def _on_interaction_frame(self, data: dict[str, Any]) -> None:
        event = translate.interaction_event(data, self.report_name, self._dm_space(data))
        interaction = await self.rendezvous.wait(int(data["id"]))
        if event is None:
            return
        if interaction is None:
            log.warning("Discord interaction %s: discord.py never handed it over", event.event_id)
            return
        if not isinstance(event, CommandInvoked | ButtonClicked | ModalSubmitted | MessageReported):
            return
        if event.interaction is None:
            return
        entry = OpenInteraction(interaction, event.at)
        self.interactions.add(event.interaction.token, entry)
        self._spawn(self._run_interaction(event, entry))

    async def _run_interaction(self, event: Event, entry: OpenInteraction) -> None:
        try:
            if isinstance(event, CommandInvoked):
                spec = self.commands.get(event.path)
                if spec is not None and spec.slow:
                    await entry.defer_thinking(ephemeral=True)
            await self._hand_over(event)
            if entry.responded or entry.answered:
                return
            if isinstance(event, ButtonClicked | ModalSubmitted):
                await entry.acknowledge()
            elif isinstance(event, MessageReported):
                locale = self.locales.get(event.space_id, "en")
                text = self.catalogue.text(locale, "discord.report_received")
                await entry.answer(render_content(Content(text=text)), ephemeral=True)
        except discord.HTTPException as error:
            log.warning("Discord interaction %s: %s %s", event.event_id, error.status, error.text)

    # -- handing over ------------------------------------------------------------------------------------------
    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _hand_over(self, event: Event) -> None:
        if self.sink is None:
            return
        try:
            await self.sink(event)
        except Exception:
            log.exception("the core failed on %s %s", type(event).__name__, event.event_id)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
