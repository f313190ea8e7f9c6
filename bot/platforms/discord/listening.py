"""Gateway payloads in, core events out: what the Discord adapter hears, and nothing else.

discord.py reads each gateway frame once: it decodes the JSON, applies the payload to its cache, then hands
it to the parser registered for the event's name. We hear the payloads there: for the events we translate,
the client's parser is wrapped (`GatewayListener.attach`, at each login) so that, once discord.py's own
parser has run, our pure `translate` functions get the same payload, as Discord sent it. Nothing is decoded
twice, and a frame we do not translate (heartbeats, presences, typing) costs us nothing. The parsers' table
(keyed by the gateway's event names) is not part of discord.py's documented API, so it is reached through
`private_http`, whose test checks it on the installed version; the wire tests against the local fake hold
the behaviour, and `attach` adds a parser discord.py lacks rather than failing. discord.py's cache is
up to date when we translate, so a join's member count already includes the newcomer. Each frame's sequence
number is part of the event ids that need one: the events Discord replays after a RESUME carry the numbers
they had, and the core's dedupe counts them once. Our part never raises into discord.py's read loop: a
payload we cannot translate is logged and dropped.

An interaction needs discord.py's `Interaction` object to be answered: the documented `on_interaction` event
hands it over, and `InteractionRendezvous` pairs it with the payload of the same id.
"""

from __future__ import annotations

import asyncio
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
from bot.platforms.discord import private_http, translate
from bot.platforms.discord.interactions import OpenInteraction, OpenInteractions
from bot.platforms.discord.invites import InviteWatch, invite_created, invite_deleted, read_uses
from bot.platforms.discord.render import render_content

log = logging.getLogger(__name__)
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
        self._plain_channels: set[str] = set()  # channel ids found in discord.py's cache and not threads
        self.invite_watch = InviteWatch(self._read_invites, self._hand_over_soon, self._spawn)

    # -- hearing the gateway ---------------------------------------------------------------------------------
    def attach(self, client: discord.Client) -> None:
        """Hear `client`'s gateway: wrap its parsers of the events we translate (once per client; a parser
        discord.py does not have is added, so the payload still reaches us)."""
        self.client = client
        parsers = private_http.gateway_parsers(client)
        for name in HEARD:
            parse = parsers.get(name)
            if isinstance(parse, _Tee):
                continue  # this client is heard already (a second login)
            parsers[name] = _Tee(self, name, parse)

    def heard(self, name: str, data: Any) -> None:
        """One payload of the connection's own events (READY, GUILD_CREATE, INTERACTION_CREATE), after
        discord.py parsed it."""
        if not isinstance(data, dict):
            return
        try:
            if name == "READY":
                self.session_id = str(data.get("session_id"))
            elif name == "INTERACTION_CREATE":
                self._spawn(self._on_interaction_frame(data))
            elif name == "GUILD_CREATE" and "id" in data:
                self.invite_watch.refresh(str(data["id"]))  # the counts the next joins are compared with
        except Exception:
            log.exception("cannot read a Discord %s payload", name)

    def translated(self, name: str, translation: Translation, sequenced: bool, data: Any) -> None:
        """One payload of an event we translate, after discord.py parsed it: translated, and handed to the core
        in a task of its own. Every event of the community comes through here, straight from its `_Tee`."""
        if not isinstance(data, dict):
            return
        try:
            event = translation(self, data, datetime.now(UTC),
                                f"{self.session_id}:{self._sequence()}" if sequenced else "")
            if event is None:
                return
            self._hand_over_soon(event)
            if type(event) is MemberJoined and not event.member.is_bot:
                self.invite_watch.joined(event.space_id, event.member.id, int(event.at.timestamp()))
        except Exception:
            log.exception("cannot translate a Discord %s payload", name)

    def _sequence(self) -> int | None:
        """The number of the frame being read (discord.py sets it before it runs the frame's parser)."""
        return private_http.frame_sequence(self.client) if self.client is not None else None

    def on_interaction(self, interaction: discord.Interaction) -> None:
        """`on_interaction`: discord.py's object for an interaction whose payload we translate."""
        self.rendezvous.arrived(interaction)

    # -- payloads -> events ----------------------------------------------------------------------------------
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
        """The parent channel of the thread a message was posted in; None outside a thread. A channel found in
        discord.py's cache that is not a thread never becomes one (ids are never reused), so it is remembered
        and its next messages skip the look-up: most messages go to a few plain channels."""
        if self.client is None or "channel_id" not in data:
            return None
        channel_id = data["channel_id"]
        if channel_id in self._plain_channels:
            return None
        channel = self.client.get_channel(int(channel_id))
        if isinstance(channel, discord.Thread):
            return str(channel.parent_id)
        if channel is not None:
            self._plain_channels.add(channel_id)
        return None

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
        """Run `work` in a task of its own, kept until it ends (the loop keeps only weak references to tasks)."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _hand_over_soon(self, event: Event) -> None:
        """Hand `event` to the core in a task of its own, as `_spawn` does, but the task drops itself from
        `_tasks` as its last step: one task per gateway event, and a done callback would cost each one more
        turn of the loop."""
        task = asyncio.get_running_loop().create_task(self._handed_over(event))
        self._tasks.add(task)

    async def _handed_over(self, event: Event) -> None:
        try:
            if self.sink is not None:
                await self.sink(event)
        except Exception:
            log.exception("the core failed on %s %s", type(event).__name__, event.event_id)
        finally:
            self._tasks.discard(asyncio.current_task())  # type: ignore[arg-type]

    async def _hand_over(self, event: Event) -> None:
        if self.sink is None:
            return
        try:
            await self.sink(event)
        except Exception:
            log.exception("the core failed on %s %s", type(event).__name__, event.event_id)

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.difference_update(tasks)  # a task cancelled before its first step never dropped itself


class _Tee:
    """discord.py's parser of one gateway event, then our listener, with the same payload: the event's
    translation and whether it needs the frame's number are looked up once, when the parser is wrapped."""

    __slots__ = ("listener", "name", "parse", "sequenced", "translation")

    def __init__(self, listener: GatewayListener, name: str, parse: Callable[[Any], None] | None) -> None:
        self.listener = listener
        self.name = name
        self.parse = parse
        self.translation = TRANSLATIONS.get(name)
        self.sequenced = name in SEQUENCED

    def __call__(self, data: Any) -> None:
        if self.parse is not None:
            self.parse(data)  # discord.py's cache first, as if we were not here; its errors stay its own
        if self.translation is not None:
            self.listener.translated(self.name, self.translation, self.sequenced, data)
        else:
            self.listener.heard(self.name, data)


Translation = Callable[[GatewayListener, dict[str, Any], datetime, str], "Event | None"]
TRANSLATIONS: dict[str, Translation] = {
    "GUILD_MEMBER_ADD": lambda lis, data, now, seq: translate.member_joined(data, now, lis._member_count(data)),
    "GUILD_MEMBER_REMOVE": lambda lis, data, now, seq: translate.member_left(data, now, seq),
    "MESSAGE_CREATE": lambda lis, data, now, seq: translate.message_event(data, now,
                                                                          thread_parent_id=lis._parent_of(data)),
    "MESSAGE_UPDATE": lambda lis, data, now, seq: translate.message_event(data, now, edited=True,
                                                                          thread_parent_id=lis._parent_of(data)),
    "MESSAGE_DELETE": lambda lis, data, now, seq: translate.message_deleted(data, now),
    "MESSAGE_REACTION_ADD": lambda lis, data, now, seq: translate.reaction(data, now, added=True, sequence=seq),
    "MESSAGE_REACTION_REMOVE": lambda lis, data, now, seq: translate.reaction(data, now, added=False, sequence=seq),
    "MESSAGE_POLL_VOTE_ADD": lambda lis, data, now, seq: translate.poll_vote(data, now, added=True, sequence=seq),
    "MESSAGE_POLL_VOTE_REMOVE": lambda lis, data, now, seq: translate.poll_vote(data, now, added=False,
                                                                                sequence=seq),
    "INVITE_CREATE": lambda lis, data, now, seq: invite_created(data, now),
    "INVITE_DELETE": lambda lis, data, now, seq: invite_deleted(data, now),
}
# The events whose ids need the frame's sequence number (see the module's docstring); the others' ids are the
# platform's own, and the number is not read for them.
SEQUENCED = frozenset({"GUILD_MEMBER_REMOVE", "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE",
                       "MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE"})
HEARD = ("READY", "GUILD_CREATE", "INTERACTION_CREATE", *TRANSLATIONS)  # every other payload: discord.py's alone
