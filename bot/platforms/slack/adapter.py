"""The Slack platform: a slack-bolt `AsyncApp` whose listeners turn Slack payloads into core events.

Every listener acknowledges first (Slack wants an answer within 3 s) and hands the slow part (looking the
member up, running the handlers) to a background task that `stop()` waits for. Role checks are not done here:
the core's command router checks the member's user id and user groups against the configured role model.
Slack cannot time a member out, and a bot token cannot delete members' messages: the capabilities say so, so
the moderation queue offers what Slack can do.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from typing import Any

import aiohttp
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import Action, ActionResult
from bot.commands import CommandRegistry
from bot.events import Event, InteractionRef, Member, PlatformName
from bot.i18n import Catalogue
from bot.platform import Capability, EventSink, FatalPlatformError
from bot.platforms.slack import translate
from bot.platforms.slack.access import SlackChannels, granted_scopes
from bot.platforms.slack.calls import PendingInteraction, SlackCalls, error_code
from bot.platforms.slack.commands import SLASH_COMMAND, CommandProblem, parse_command_text
from bot.platforms.slack.members import SlackMembers
from bot.platforms.slack.render import render_text
from bot.platforms.slack.transport import HttpTransport, SocketModeTransport, Transport
from config.settings import Community, Settings

log = logging.getLogger(__name__)
REPORT_SHORTCUT = "report_to_moderators"
# the Events API types the adapter listens to; config/slack-manifest.yml subscribes to each (a test checks)
LISTENED_EVENTS = ("member_joined_channel", "team_join", "message", "reaction_added", "reaction_removed")
REFUSED_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                                  "token_expired", "not_allowed_token_type"})
EXIT_SLACK_REFUSED = 4
EXIT_CONFIG = 2
RATE_LIMIT_RETRIES = 3


def library_logger() -> logging.Logger:
    """The logger given to slack-bolt and slack-sdk: never below INFO, so their debug dumps of request bodies
    (which carry Slack's verification token) never reach the log, whatever the bot's log level."""
    logger = logging.getLogger("bot.platforms.slack.library")
    logger.setLevel(logging.INFO)
    return logger


class SlackPlatform:
    name = PlatformName.SLACK
    capabilities = frozenset({
        Capability.MODALS,
        Capability.BUTTONS,
        Capability.EPHEMERAL,
        Capability.THREADS,
        Capability.DIRECT_MESSAGES,
        Capability.MESSAGE_LOOKUP,
    })

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
        self._sink: EventSink | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._library_log = library_logger()

    def __repr__(self) -> str:  # never show a token
        return f"SlackPlatform(team={self.team_id!r}, http_port={self.http_port!r})"

    # -- Platform protocol -------------------------------------------------------------------------------
    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def start(self, sink: EventSink) -> None:
        self._check_transport_settings()
        self._sink = sink
        base = {"base_url": self.api_base} if self.api_base else {}
        self.client = AsyncWebClient(token=self._bot_token, logger=self._library_log, **base)
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
        await self._identify()
        locale = self._community(self.team_id or "").locale if self.team_id in self._communities else "en"
        labels = (self.catalogue.string(locale, "slack.modal_submit"),
                  self.catalogue.string(locale, "slack.modal_close"))
        self.calls = SlackCalls(self.client, labels)
        self.members = SlackMembers(self.client, ttl=self.member_cache_ttl)
        self.channels = SlackChannels(self.client, self.scopes)
        self.app = self._build_app()
        if self.http_port is not None:
            assert self._signing_secret is not None
            self.transport = HttpTransport(self.app, self.http_host, self.http_port)
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
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- start-up checks ---------------------------------------------------------------------------------
    def _check_transport_settings(self) -> None:
        if self.http_port is not None and not self._signing_secret:
            raise FatalPlatformError("Slack HTTP mode needs the SLACK_SIGNING_SECRET environment variable",
                                     exit_status=EXIT_CONFIG)
        if self.http_port is None and not self._app_token:
            raise FatalPlatformError(
                "Slack Socket Mode needs the SLACK_APP_TOKEN environment variable (an xapp- token with "
                "connections:write); or run with --slack-http PORT and SLACK_SIGNING_SECRET",
                exit_status=EXIT_CONFIG,
            )

    async def _identify(self) -> None:
        try:
            auth = await self.client.auth_test()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise FatalPlatformError(f"cannot reach Slack's Web API: {type(error).__name__}: {error}",
                                     exit_status=EXIT_SLACK_REFUSED) from None
        except SlackApiError as error:
            code = error_code(error)
            if code in REFUSED_TOKEN_ERRORS:
                raise FatalPlatformError(f"Slack refused the bot token (SLACK_BOT_TOKEN): {code}",
                                         exit_status=EXIT_SLACK_REFUSED) from None
            raise
        self.bot_user_id = auth.get("user_id")
        self.team_id = auth.get("team_id")
        self.scopes = granted_scopes(auth.headers)
        if self.team_id not in self._communities:
            log.warning("Slack workspace %s is not claimed by any community: its events will be ignored",
                        self.team_id)

    async def _check_app_token(self) -> None:
        try:
            await self.client.apps_connections_open(app_token=self._app_token)
        except SlackApiError as error:
            code = error_code(error)
            if code in REFUSED_TOKEN_ERRORS:
                raise FatalPlatformError(f"Slack refused the app token (SLACK_APP_TOKEN): {code}",
                                         exit_status=EXIT_SLACK_REFUSED) from None
            raise

    # -- Bolt listeners ----------------------------------------------------------------------------------
    def _build_app(self) -> AsyncApp:
        app = AsyncApp(
            client=self.client,
            signing_secret=self._signing_secret or "",
            request_verification_enabled=self.http_port is not None,
            logger=self._library_log,
        )
        listeners = {
            "member_joined_channel": self._on_member_joined,
            "team_join": self._on_team_join,
            "message": self._on_message,
            "reaction_added": self._on_reaction,
            "reaction_removed": self._on_reaction,
        }
        assert set(listeners) == set(LISTENED_EVENTS)
        for event_type, listener in listeners.items():
            app.event(event_type)(listener)
        app.command(SLASH_COMMAND)(self._on_command)
        app.shortcut(REPORT_SHORTCUT)(self._on_report)
        app.action(re.compile(".*"))(self._on_button)
        app.view_submission(re.compile(".*"))(self._on_view_submission)
        return app

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a Slack event could not be handled", exc_info=task.exception())

    async def _emit(self, event: Event | None) -> None:
        if event is not None and self._sink is not None:
            await self._sink(event)

    def _community(self, team_id: str) -> Community:
        return self._communities[team_id]

    def _interaction(self, body: dict[str, Any], user_id: str, channel_id: str | None) -> InteractionRef:
        token = translate.interaction_id(body)
        self.calls.remember(token, PendingInteraction(user_id, channel_id, body.get("response_url"),
                                                      body.get("trigger_id")))
        return InteractionRef(PlatformName.SLACK, token)

    async def _on_member_joined(self, body: dict[str, Any]) -> None:
        self._spawn(self._member_joined(body))

    async def _member_joined(self, body: dict[str, Any]) -> None:
        community = self._communities.get(translate.team_of(body))
        welcome = community.slack.channels.welcome if community and community.slack else None
        if body["event"].get("channel") != welcome:
            return  # joining any other channel is not joining the community
        member = await self.members.member(body["event"]["user"])
        await self._emit(translate.member_joined(body, member))

    async def _on_team_join(self, body: dict[str, Any]) -> None:
        user = (body.get("event") or {}).get("user") or {}
        self.members.forget(user.get("id", ""))  # fires at invitation: no welcome, only a fresh profile later

    async def _on_message(self, body: dict[str, Any]) -> None:
        self._spawn(self._message(body))

    async def _message(self, body: dict[str, Any]) -> None:
        author = translate.author_id(body["event"])
        member = await self.members.member(author) if author else None
        await self._emit(translate.message_event(body, member))

    async def _on_reaction(self, body: dict[str, Any]) -> None:
        self._spawn(self._reaction(body))

    async def _reaction(self, body: dict[str, Any]) -> None:
        member = await self.members.member(body["event"]["user"])
        await self._emit(translate.reaction_event(body, member))

    async def _on_command(self, ack: Any, body: dict[str, Any]) -> None:
        parsed = parse_command_text(self.commands, body.get("text") or "")
        if isinstance(parsed, CommandProblem):
            team = translate.team_of(body)
            locale = self._community(team).locale if team in self._communities else "en"
            await ack(response_type="ephemeral", text=render_text(self.catalogue.text(locale, parsed.key,
                                                                                      **parsed.values)))
            return
        await ack()
        self._spawn(self._command(body, parsed.path, parsed.options))

    async def _command(self, body: dict[str, Any], path: tuple[str, ...], options: dict[str, str]) -> None:
        member = await self.members.member(body["user_id"], body.get("user_name", ""))
        ref = self._interaction(body, member.id, body.get("channel_id"))
        await self._emit(translate.command_invoked(body, member, path, options, ref))

    async def _on_report(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._report(body))

    async def _report(self, body: dict[str, Any]) -> None:
        reporter = await self.members.member(body["user"]["id"])
        message = body.get("message") or {}
        if message.get("user"):
            reported = await self.members.member(message["user"])
        else:
            reported = Member(id=message.get("bot_id", ""), display_name=message.get("username", ""), is_bot=True)
        ref = self._interaction(body, reporter.id, (body.get("channel") or {}).get("id"))
        await self._emit(translate.message_reported(body, reporter, reported, ref))

    async def _on_button(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._button(body))

    async def _button(self, body: dict[str, Any]) -> None:
        member = await self.members.member(body["user"]["id"])
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        ref = self._interaction(body, member.id, channel)
        await self._emit(translate.button_clicked(body, member, ref))

    async def _on_view_submission(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._view_submission(body))

    async def _view_submission(self, body: dict[str, Any]) -> None:
        member = await self.members.member(body["user"]["id"])
        channel = (body.get("view") or {}).get("private_metadata") or None
        ref = self._interaction(body, member.id, channel)
        await self._emit(translate.modal_submitted(body, member, ref, channel))
