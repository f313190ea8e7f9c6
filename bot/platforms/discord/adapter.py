"""The Discord platform's life cycle: log in, connect, stop; the listening and the executing live beside it.

`listening.GatewayListener` turns gateway frames into events, `execute.DiscordActions` carries out actions;
this module only starts and stops the discord.py client around them, through documented APIs. Start-up work
(intent check, command sync) runs once, in `setup_hook`, because `on_ready` fires again after a failed
resume. A privileged intent the application lacks is dropped with a warning: the client is made anew with the
reduced intents before it connects, rather than refused by the gateway. A fatal refusal (bad token,
disallowed intents) or an unreachable Discord becomes `FatalPlatformError` with exit status 3, one line, and
no reconnect loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord

from bot.actions import Action, ActionResult
from bot.commands import CommandRegistry
from bot.events import PlatformName
from bot.exit_status import ExitStatus
from bot.i18n import Catalogue
from bot.platform import Capability, EventSink, FatalHandler, FatalPlatformError
from bot.platforms.capabilities import CAPABILITIES
from bot.platforms.discord import access, private_http
from bot.platforms.discord.commands import command_payloads, report_menu_name
from bot.platforms.discord.execute import DiscordActions
from bot.platforms.discord.intents import PrivilegedIntent, degrade, missing_privileged, wanted_intents, warning_for
from bot.platforms.discord.interactions import OpenInteractions
from bot.platforms.discord.listening import GatewayListener
from bot.platforms.discord.private_http import point_at
from config.settings import Settings

log = logging.getLogger(__name__)

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
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError)

__all__ = ["DiscordPlatform", "GatewayTimings", "point_at"]


@dataclass(frozen=True)
class GatewayTimings:
    """discord.py's waits: for late GUILD_CREATEs before READY, before identifying again after a failed resume,
    and for any word from the gateway before calling the connection dead. The defaults are Discord's
    recommendations; tests against the local fake shorten them."""

    guild_ready: float = 2.0
    reidentify: float = 5.0
    heartbeat_timeout: float = 60.0  # no word from the gateway for this long: reconnect (a zombie connection)


class _FewerIntents(Exception):
    """Raised from `setup_hook` when the application lacks privileged intents: log in again without them."""

    def __init__(self, missing: list[PrivilegedIntent]) -> None:
        super().__init__(", ".join(p.name for p in missing))
        self.missing = missing


class _Client(discord.Client):
    """discord.py's client with our hooks: all of them documented overrides or events."""

    def __init__(self, platform: DiscordPlatform, intents: discord.Intents) -> None:
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            guild_ready_timeout=platform.timings.guild_ready,
            heartbeat_timeout=platform.timings.heartbeat_timeout,
        )
        self._platform = platform
        self._waiters = private_http.waiters(self)

    async def setup_hook(self) -> None:
        await self._platform._setup(self)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(self._platform.timings.reidentify)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self._platform.listener.on_interaction(interaction)

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        """discord.py's dispatch, for the events someone listens to: a handler of this class (`on_interaction`),
        one set on the instance, or a `wait_for`. The adapter hears the gateway's payloads before this (see
        `listening`), so the events it translates have no handler here; discord.py's own dispatch would look
        each one up by name on every frame and fail, building an `AttributeError` message per event."""
        if event in _CLIENT_EVENTS or event in self._waiters or "on_" + event in self.__dict__:
            super().dispatch(event, *args, **kwargs)


# The events `_Client` has a handler for (`on_interaction` -> "interaction").
_CLIENT_EVENTS = frozenset(name.removeprefix("on_") for name in vars(_Client) if name.startswith("on_"))


class DiscordPlatform:
    name = PlatformName.DISCORD
    capabilities = CAPABILITIES[PlatformName.DISCORD]

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
        locales = {c.discord.space_id: c.locale for c in settings.communities if c.discord is not None}
        self.interactions = OpenInteractions()
        self.listener = GatewayListener(commands, catalogue, locales, report_menu_name(catalogue), self.interactions)
        self.disabled_intents: list[str] = []
        self.bot_user_id: str | None = None
        self.on_fatal: FatalHandler | None = None  # set by the app: the gateway died for good after start-up
        self._intents = wanted_intents()
        self._runner: asyncio.Task[None] | None = None
        self.client = _Client(self, self._intents)
        self.actions = DiscordActions(self.client, self.guild_ids, self.interactions, lambda: self.bot_user_id)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    # -- start and stop -----------------------------------------------------------------------------------
    async def start(self, sink: EventSink) -> None:
        """Log in (setup_hook runs), connect, and return once the gateway said READY."""
        self.listener.sink = sink
        await self._log_in()
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

    async def _log_in(self) -> None:
        """Log in; when the application lacks privileged intents, log in again with a client that does not
        ask for them. Every failure closes the client's HTTP session before it is raised."""
        try:
            try:
                await self.client.login(self._token)
            except _FewerIntents as fewer:
                await self.client.close()
                for privileged in fewer.missing:
                    log.warning("%s", warning_for(privileged, self.client.application_id))
                self.disabled_intents = [p.name for p in fewer.missing]
                self._intents = degrade(self._intents, fewer.missing)
                self._use(_Client(self, self._intents))
                await self.client.login(self._token)
        except discord.LoginFailure:
            await self.client.close()
            raise FatalPlatformError(
                "Discord refused the token (401 Unauthorized): check DISCORD_TOKEN (Developer Portal, Bot page, "
                "Reset Token).", exit_status=ExitStatus.DISCORD_REFUSED
            ) from None
        except (*UNREACHABLE, discord.HTTPException) as error:
            await self.client.close()
            raise FatalPlatformError(f"cannot reach Discord: {_reason(error)}",
                                     exit_status=ExitStatus.DISCORD_REFUSED) from None

    def _use(self, client: _Client) -> None:
        self.client = client
        self.actions.client = client

    def _fatal(self, error: BaseException | None) -> FatalPlatformError:
        if isinstance(error, discord.PrivilegedIntentsRequired):
            return FatalPlatformError(FATAL_CLOSE_CODES[4014], exit_status=ExitStatus.DISCORD_REFUSED)
        if isinstance(error, discord.ConnectionClosed) and error.code in FATAL_CLOSE_CODES:
            return FatalPlatformError(FATAL_CLOSE_CODES[error.code], exit_status=ExitStatus.DISCORD_REFUSED)
        if error is None:
            message = f"Discord gateway not ready after {READY_TIMEOUT:.0f} s"
            return FatalPlatformError(message, exit_status=ExitStatus.DISCORD_REFUSED)
        return FatalPlatformError(f"Discord gateway connection failed: {_reason(error)}",
                                  exit_status=ExitStatus.DISCORD_REFUSED)

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
        await self.listener.stop()

    async def _setup(self, client: discord.Client) -> None:
        """Once per login, before the gateway connects: make sure we do not ask for privileged intents the
        application lacks, then sync the commands to the configured guilds (guild commands show up at once)."""
        self.listener.attach(client)
        missing = [p for p in missing_privileged(client.application_flags) if getattr(client.intents, p.name)]
        if missing:
            raise _FewerIntents(missing)
        if self.sync_commands:
            await self.sync_guild_commands()

    async def sync_guild_commands(self) -> None:
        payloads = command_payloads(self.commands, self.catalogue)
        for guild_id in self.guild_ids:
            try:
                await private_http.replace_guild_commands(self.client, int(guild_id), payloads)
            except discord.HTTPException as error:
                log.warning("Discord: cannot register slash commands in guild %s (%s %s): is the bot invited "
                            "with the applications.commands scope?", guild_id, error.status, error.text)

    async def channel_access(self, channel_id: str) -> str | None:
        """Whether `channel_id` exists and the bot may post there (see `access`): checked when a post is drafted."""
        return await access.channel_access(self.client, channel_id)

    # -- actions -> Discord ------------------------------------------------------------------------------
    async def execute(self, action: Action) -> ActionResult:
        return await self.actions.execute(action)


def _reason(error: BaseException) -> str:
    """One line for the operator: the error's kind and, when it has one, its message (never a traceback)."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
