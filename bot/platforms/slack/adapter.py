"""The Slack platform's life cycle: identify the token, build the Bolt app, open the transport, stop.

What Slack sends is heard in `listeners`, actions are carried out in `calls`, and the way requests arrive
(Socket Mode or signed HTTP) is in `transport`; this module only starts and stops them, in that order.
Slack cannot time a member out, and a bot token cannot delete members' messages: the capabilities (declared
once, in `bot.platforms.capabilities`) say so, so the moderation queue offers what Slack can do.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import Action, ActionResult
from bot.commands import CommandRegistry
from bot.events import PlatformName
from bot.exit_status import ExitStatus
from bot.i18n import Catalogue
from bot.platform import Capability, EventSink, FatalPlatformError
from bot.platforms.capabilities import CAPABILITIES
from bot.platforms.slack.access import SlackChannels, granted_scopes
from bot.platforms.slack.calls import SlackCalls, error_code
from bot.platforms.slack.listeners import LISTENED_EVENTS, REPORT_SHORTCUT, SlackListeners
from bot.platforms.slack.members import SlackMembers
from bot.platforms.slack.transport import HttpTransport, SocketModeTransport, Transport
from config.settings import Settings

log = logging.getLogger(__name__)
__all__ = ["LISTENED_EVENTS", "REPORT_SHORTCUT", "SlackPlatform"]
REFUSED_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                                  "token_expired", "not_allowed_token_type"})
RATE_LIMIT_RETRIES = 3


def library_logger() -> logging.Logger:
    """The logger given to slack-bolt and slack-sdk: never below INFO, so their debug dumps of request bodies
    (which carry Slack's verification token) never reach the log, whatever the bot's log level."""
    logger = logging.getLogger("bot.platforms.slack.library")
    logger.setLevel(logging.INFO)
    return logger


class SlackPlatform:
    name = PlatformName.SLACK
    capabilities = CAPABILITIES[PlatformName.SLACK]

    def __init__(
        self,
        *,
        bot_token: str,
        app_token: str | None,
        signing_secret: str | None,
        settings: Settings,
        commands: CommandRegistry,
        catalogue: Catalogue,
        http_port: int | None = None,
        http_host: str = "0.0.0.0",
        api_base: str | None = None,
        watchdog_interval: float = 10.0,
        ping_interval: float = 10.0,
        member_cache_ttl: float = 300.0,
    ) -> None:
        self._bot_token = bot_token
        self._app_token = app_token
        self._signing_secret = signing_secret
        self.settings = settings
        self.commands = commands
        self.catalogue = catalogue
        self.http_port = http_port
        self.http_host = http_host
        self.api_base = api_base
        self.watchdog_interval = watchdog_interval
        self.ping_interval = ping_interval
        self.member_cache_ttl = member_cache_ttl
        self.bot_user_id: str | None = None
        self.team_id: str | None = None
        self.transport: Transport | None = None
        self.scopes: frozenset[str] = frozenset()  # as the token's answers said at start-up
        self.channels: SlackChannels | None = None
        self._communities = {c.slack.space_id: c for c in settings.communities if c.slack is not None}
        self.listeners: SlackListeners | None = None
        self._library_log = library_logger()

    def __repr__(self) -> str:  # never show a token
        return f"SlackPlatform(team={self.team_id!r}, http_port={self.http_port!r})"

    # -- Platform protocol -------------------------------------------------------------------------------
    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def start(self, sink: EventSink) -> None:
        self._check_transport_settings()
        self.client = AsyncWebClient(token=self._bot_token, logger=self._library_log,
                                     base_url=self.api_base or AsyncWebClient.BASE_URL)
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
        await self._identify()
        community = self._communities.get(self.team_id or "")
        locale = community.locale if community is not None else "en"
        labels = (self.catalogue.string(locale, "slack.modal_submit"),
                  self.catalogue.string(locale, "slack.modal_close"))
        self.calls = SlackCalls(self.client, labels)
        self.members = SlackMembers(self.client, ttl=self.member_cache_ttl)
        self.channels = SlackChannels(self.client, self.scopes)
        self.listeners = SlackListeners(commands=self.commands, catalogue=self.catalogue,
                                        communities=self._communities, members=self.members, calls=self.calls,
                                        sink=sink)
        self.app = self.listeners.attach(AsyncApp(
            client=self.client,
            signing_secret=self._signing_secret or "",
            request_verification_enabled=self.http_port is not None,
            logger=self._library_log,
        ))
        if self.http_port is not None:
            assert self._signing_secret is not None
            self.transport = HttpTransport(self.app, self.http_host, self.http_port, self._signing_secret)
        else:
            assert self._app_token is not None
            await self._check_app_token()
            self.transport = SocketModeTransport(self.app, self._app_token, self.client, self._library_log,
                                                 self.watchdog_interval, self.ping_interval)
        await self.transport.start()
        log.info("Slack connected as %s in workspace %s", self.bot_user_id, self.team_id)

    async def stop(self) -> None:
        if self.transport is not None:
            await self.transport.stop()
        await self.idle()

    async def execute(self, action: Action) -> ActionResult:
        return await self.calls.execute(action)

    async def channel_access(self, channel_id: str) -> str | None:
        """Whether `channel_id` exists and the bot may post there (see `access`): checked when a post is drafted."""
        return await self.channels.access(channel_id) if self.channels is not None else None

    async def idle(self) -> None:
        """Wait until every event handed to the core so far has been handled (used at stop and by tests)."""
        if self.listeners is not None:
            await self.listeners.idle()

    # -- start-up checks ---------------------------------------------------------------------------------
    def _check_transport_settings(self) -> None:
        if self.http_port is not None and not self._signing_secret:
            raise FatalPlatformError("Slack HTTP mode needs the SLACK_SIGNING_SECRET environment variable",
                                     exit_status=ExitStatus.USAGE)
        if self.http_port is None and not self._app_token:
            raise FatalPlatformError(
                "Slack Socket Mode needs the SLACK_APP_TOKEN environment variable (an xapp- token with "
                "connections:write); or run with --slack-http PORT and SLACK_SIGNING_SECRET",
                exit_status=ExitStatus.USAGE,
            )

    async def _identify(self) -> None:
        try:
            auth = await self.client.auth_test()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise FatalPlatformError(f"cannot reach Slack's Web API: {type(error).__name__}: {error}",
                                     exit_status=ExitStatus.SLACK_REFUSED) from None
        except SlackApiError as error:
            code = error_code(error)
            if code in REFUSED_TOKEN_ERRORS:
                raise FatalPlatformError(f"Slack refused the bot token (SLACK_BOT_TOKEN): {code}",
                                         exit_status=ExitStatus.SLACK_REFUSED) from None
            raise
        self.bot_user_id = auth.get("user_id")
        self.team_id = auth.get("team_id")
        self.scopes = granted_scopes(auth.headers)
        if self.team_id not in self._communities:
            log.warning("Slack workspace %s is not claimed by any community: its events will be ignored",
                        self.team_id)

    async def _check_app_token(self) -> None:
        try:
            await self.client.apps_connections_open(app_token=self._app_token or "")
        except SlackApiError as error:
            code = error_code(error)
            if code in REFUSED_TOKEN_ERRORS:
                raise FatalPlatformError(f"Slack refused the app token (SLACK_APP_TOKEN): {code}",
                                         exit_status=ExitStatus.SLACK_REFUSED) from None
            raise
