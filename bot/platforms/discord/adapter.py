"""The Discord platform: a discord.py client that turns gateway payloads into events and actions into calls.

Events are read from the raw gateway payloads (see `translate`): each parser discord.py keeps for the events
we use is wrapped so our pure translation sees the payload first, then discord.py updates its cache as usual.
Start-up work (intent check, command sync) runs once, in `setup_hook`, because `on_ready` fires again after a
failed resume. A fatal refusal (bad token, disallowed intents) becomes `FatalPlatformError` with exit status 3
and no reconnect loop; a privileged intent the application lacks is dropped with a warning instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord
import yarl

from bot.actions import (
    Action,
    ActionResult,
    Answer,
    Content,
    DeleteMessage,
    DirectMessage,
    EditMessage,
    FindPost,
    OpenModal,
    Post,
    React,
    ReplyInThread,
    TimeoutMember,
)
from bot.commands import CommandRegistry
from bot.events import ButtonClicked, CommandInvoked, Event, MessageReported, ModalSubmitted, PlatformName
from bot.i18n import Catalogue
from bot.platform import Capability, EventSink, FatalHandler, FatalPlatformError
from bot.platforms.discord import access, execute, translate
from bot.platforms.discord.commands import command_payloads, report_menu_name
from bot.platforms.discord.intents import degrade, missing_privileged, wanted_intents, warning_for
from bot.platforms.discord.interactions import OpenInteraction, OpenInteractions
from bot.platforms.discord.render import modal, render_content
from config.settings import Settings

log = logging.getLogger(__name__)

EXIT_DISCORD = 3
READY_TIMEOUT = 60.0
FATAL_CLOSE_CODES = {
    4004: "Discord refused the token (gateway close 4004): check DISCORD_TOKEN.",
    4010: "Discord refused the shard settings (gateway close 4010).",
    4011: "This bot is in too many guilds to run without sharding (gateway close 4011).",
    4012: "Discord refused the gateway version (gateway close 4012).",
    4013: "Discord refused the requested intents as invalid (gateway close 4013).",
    4014: "Discord refused a privileged intent this application is not allowed (gateway close 4014): enable "
    "'Server Members Intent' and 'Message Content Intent' in the Developer Portal, Bot page.",
}


def point_at(api_base: str | None = None, gateway_url: str | None = None) -> None:
    """Send discord.py's REST calls to `api_base` (e.g. "http://127.0.0.1:PORT/api/v10") and its gateway
    connections to `gateway_url`. Process-wide (discord.py keeps both on classes): for tests and proxies."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


@dataclass(frozen=True)
class GatewayTimings:
    """discord.py's waits: for late GUILD_CREATEs before READY, and before identifying again after a failed
    resume. The defaults are Discord's recommendations; tests against the local fake shorten them."""

    guild_ready: float = 2.0
    reidentify: float = 5.0


class _Client(discord.Client):
    def __init__(self, on_setup: Callable[[], Coroutine[Any, Any, None]], timings: GatewayTimings,
                 **options: Any) -> None:
        super().__init__(guild_ready_timeout=timings.guild_ready, **options)
        self._on_setup = on_setup
        self._timings = timings

    async def setup_hook(self) -> None:
        await self._on_setup()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(self._timings.reidentify)


class DiscordPlatform:
    name = PlatformName.DISCORD
    capabilities = frozenset(
        {
            Capability.TIMEOUT,
            Capability.MODALS,
            Capability.BUTTONS,
            Capability.EPHEMERAL,
            Capability.THREADS,
            Capability.DIRECT_MESSAGES,
            Capability.DELETE_MESSAGES,
            Capability.IDEMPOTENT_SEND,
            Capability.MESSAGE_LOOKUP,
        }
    )

    def __init__(
        self,
        token: str,
        settings: Settings,
        commands: CommandRegistry,
        catalogue: Catalogue,
        *,
        api_base: str | None = None,
        gateway_url: str | None = None,
        sync_commands: bool = True,
        timings: GatewayTimings = GatewayTimings(),
    ) -> None:
        self._token = token
        self.settings = settings
        self.commands = commands
        self.catalogue = catalogue
        self.sync_commands = sync_commands
        self.timings = timings
        point_at(api_base, gateway_url)
        self.guild_ids = [c.discord.space_id for c in settings.communities if c.discord is not None]
        self._locales = {c.discord.space_id: c.locale for c in settings.communities if c.discord is not None}
        self.report_name = report_menu_name(catalogue)
        self.interactions = OpenInteractions()
        self.disabled_intents: list[str] = []
        self.bot_user_id: str | None = None
        self.on_fatal: FatalHandler | None = None  # set by the app: the gateway died for good after start-up
        self._sink: EventSink | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self.client = self._new_client()

    def _new_client(self) -> _Client:
        return _Client(
            self._setup,
            self.timings,
            intents=wanted_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
        )

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    # -- start and stop -----------------------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Log in (setup_hook runs), connect, and return once the gateway said READY."""
        self._sink = sink
        try:
            await self.client.login(self._token)
        except discord.LoginFailure:
            await self.client.close()
            raise FatalPlatformError(
                "Discord refused the token (401 Unauthorized): check DISCORD_TOKEN (Developer Portal, Bot page, "
                "Reset Token).", exit_status=EXIT_DISCORD
            ) from None
        self._runner = asyncio.create_task(self.client.connect(reconnect=True), name="discord-gateway")
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({self._runner, ready}, timeout=READY_TIMEOUT,
                                     return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            error = self._runner.exception() if self._runner in done else None
            await self.client.close()
            raise self._fatal(error)
        self._runner.add_done_callback(self._gateway_ended)
        assert self.client.user is not None
        self.bot_user_id = str(self.client.user.id)
        log.info("Discord: connected as %s in %d guild(s)", self.client.user, len(self.client.guilds))

    def _fatal(self, error: BaseException | None) -> FatalPlatformError:
        if isinstance(error, discord.PrivilegedIntentsRequired):
            return FatalPlatformError(FATAL_CLOSE_CODES[4014], exit_status=EXIT_DISCORD)
        if isinstance(error, discord.ConnectionClosed) and error.code in FATAL_CLOSE_CODES:
            return FatalPlatformError(FATAL_CLOSE_CODES[error.code], exit_status=EXIT_DISCORD)
        if error is None:
            message = f"Discord gateway not ready after {READY_TIMEOUT:.0f} s"
            return FatalPlatformError(message, exit_status=EXIT_DISCORD)
        return FatalPlatformError(f"Discord gateway connection failed: {error}", exit_status=EXIT_DISCORD)

    def _gateway_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or task.exception() is None:
            return
        error = self._fatal(task.exception())
        if self.on_fatal is not None:
            self.on_fatal(error)  # the app stops cleanly with Discord's exit status
        else:
            log.error("Discord gateway stopped for good: %s", error)

    async def stop(self) -> None:
        await self.client.close()
        if self._runner is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._runner, timeout=5)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _setup(self) -> None:
        """Once per login, before the gateway connects: drop missing privileged intents, tap the gateway
        parsers, and sync the commands to the configured guilds (guild commands show up at once)."""
        missing = missing_privileged(self.client.application_flags)
        if missing:
            for privileged in missing:
                log.warning("%s", warning_for(privileged, self.client.application_id))
            self.client._connection._intents = degrade(self.client.intents, missing)
            self.disabled_intents = [p.name for p in missing]
        self._tap_parsers()
        if self.sync_commands:
            await self.sync_guild_commands()

    async def sync_guild_commands(self) -> None:
        payloads = command_payloads(self.commands, self.catalogue)
        for guild_id in self.guild_ids:
            try:
                await self.client.http.bulk_upsert_guild_commands(self.client.application_id, int(guild_id), payloads)
            except discord.HTTPException as error:
                log.warning("Discord: cannot register slash commands in guild %s (%s %s): is the bot invited "
                            "with the applications.commands scope?", guild_id, error.status, error.text)

    # -- gateway -> events ---------------------------------------------------------------------------------
    def _tap_parsers(self) -> None:
        taps: dict[str, Callable[[dict[str, Any]], None]] = {
            "GUILD_MEMBER_ADD": lambda d: self._deliver(translate.member_joined(d, _now(), self._count_after_join(d))),
            "GUILD_MEMBER_REMOVE": lambda d: self._deliver(translate.member_left(d, _now(), self._sequence())),
            "MESSAGE_CREATE": lambda d: self._deliver(translate.message_event(d, _now(),
                                                                              thread_parent_id=self._parent_of(d))),
            "MESSAGE_UPDATE": lambda d: self._deliver(translate.message_event(d, _now(), edited=True,
                                                                              thread_parent_id=self._parent_of(d))),
            "MESSAGE_DELETE": lambda d: self._deliver(translate.message_deleted(d, _now())),
            "MESSAGE_REACTION_ADD": lambda d: self._deliver(translate.reaction(d, _now(), added=True,
                                                                               sequence=self._sequence())),
            "MESSAGE_REACTION_REMOVE": lambda d: self._deliver(translate.reaction(d, _now(), added=False,
                                                                                  sequence=self._sequence())),
            "INTERACTION_CREATE": self._on_interaction,
        }
        parsers = self.client._connection.parsers
        for name, tap in taps.items():
            original = parsers[name]
            if getattr(original, "cmbot_tap", False):
                continue

            def tapped(data: dict[str, Any], tap=tap, original=original, name=name) -> None:
                try:
                    tap(data)
                except Exception:
                    log.exception("cannot translate a Discord %s payload", name)
                original(data)

            tapped.cmbot_tap = True  # type: ignore[attr-defined]
            parsers[name] = tapped

    def _count_after_join(self, data: dict[str, Any]) -> int | None:
        """The guild's size once this member is in: our tap runs before discord.py counts the join."""
        guild = self.client.get_guild(int(data["guild_id"])) if "guild_id" in data else None
        count = guild.member_count if guild is not None else None
        return count + 1 if count is not None else None

    def _sequence(self) -> object:
        ws = self.client.ws
        return f"{ws.session_id}:{ws.sequence}" if ws is not None else None

    def _parent_of(self, data: dict[str, Any]) -> str | None:
        channel = self.client.get_channel(int(data["channel_id"])) if "channel_id" in data else None
        return str(channel.parent_id) if isinstance(channel, discord.Thread) else None

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _deliver(self, event: Event | None) -> None:
        if event is not None:
            self._spawn(self._hand_over(event))

    async def _hand_over(self, event: Event) -> None:
        if self._sink is None:
            return
        try:
            await self._sink(event)
        except Exception:
            log.exception("the core failed on %s %s", type(event).__name__, event.event_id)

    def _on_interaction(self, data: dict[str, Any]) -> None:
        event = translate.interaction_event(data, self.report_name)
        if event is None:
            return
        entry = OpenInteraction(discord.Interaction(data=data, state=self.client._connection), event.at)
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
                locale = self._locales.get(event.space_id, "en")
                text = self.catalogue.text(locale, "discord.report_received")
                await entry.answer(render_content(Content(text=text)), ephemeral=True)
        except discord.HTTPException as error:
            log.warning("Discord interaction %s: %s %s", event.event_id, error.status, error.text)

    async def channel_access(self, channel_id: str) -> str | None:
        """Whether `channel_id` exists and the bot may post there (see `access`): checked when a post is drafted."""
        return await access.channel_access(self.client, channel_id)

    # -- actions -> Discord ------------------------------------------------------------------------------
    async def execute(self, action: Action) -> ActionResult:
        try:
            return await self._execute(action)
        except Exception as error:  # sorted into permanent / transient; never raised to the core
            return execute.failure(error)

    async def _execute(self, action: Action) -> ActionResult:
        client = self.client
        match action:
            case Post():
                return await execute.post(client, action)
            case ReplyInThread():
                return await execute.reply_in_thread(client, action)
            case DirectMessage():
                return await execute.direct_message(client, action)
            case DeleteMessage():
                return await execute.delete_message(client, action)
            case React():
                return await execute.react(client, action)
            case EditMessage():
                return await execute.edit_message(client, action)
            case TimeoutMember():
                return await execute.timeout_member(client, self.guild_ids, action, _now())
            case FindPost():
                return await execute.find_post(client, int(self.bot_user_id or 0), action)
            case Answer():
                entry = self.interactions.get(action.interaction.token)
                if entry is None:
                    return ActionResult.failed("unknown or expired interaction", permanent=True)
                await entry.answer(render_content(action.content), action.ephemeral)
                return ActionResult.done()
            case OpenModal():
                entry = self.interactions.get(action.interaction.token)
                if entry is None or entry.responded:
                    return ActionResult.failed("a modal must be the first answer to a live interaction",
                                               permanent=True)
                await entry.open_modal(modal(action.custom_id, action.title, action.inputs))
                return ActionResult.done()
        return ActionResult.failed(f"{type(action).__name__} is not supported on Discord", permanent=True)


def _now() -> datetime:
    return datetime.now(UTC)
