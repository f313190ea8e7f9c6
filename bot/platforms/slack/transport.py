"""How Slack's requests reach the Bolt app: Socket Mode (default) or signed HTTP (`cmbot run --slack-http PORT`).

Socket Mode needs no public URL: slack-bolt's public `AsyncSocketModeHandler` opens a websocket with the app
token (`apps.connections.open`) that shares the bot's event loop (`connect_async`, never a blocking
`start_async`). The library's own reconnection is switched off in favour of one watchdog we own and test:
every `watchdog_interval` seconds it checks the session (closed, stale ping-pong) and opens a new one when it
is dead. HTTP mode serves one path for events, the slash command and interactivity, behind
`http_gate.SlackHttpGate`: size, timestamp and signature are checked on the raw bytes before anything parses
them (a forged, stale or tampered request gets 401 and reaches no listener).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from bot.exit_status import ExitStatus
from bot.platform import FatalPlatformError
from bot.platforms.slack.http_gate import SlackHttpGate

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
CONNECT_TIMEOUT = 60.0


class Transport(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class SocketModeTransport:
    def __init__(self, app: AsyncApp, app_token: str, client: AsyncWebClient, library_log: logging.Logger,
                 watchdog_interval: float = 10.0, ping_interval: float = 10.0) -> None:
        self.app = app
        self.app_token = app_token
        self.client = client
        self.library_log = library_log
        self.watchdog_interval = watchdog_interval
        self.ping_interval = ping_interval
        self.handler: AsyncSocketModeHandler | None = None
        self.reconnections = 0
        self._watchdog: asyncio.Task[None] | None = None

    @property
    def socket(self) -> SocketModeClient | None:
        return self.handler.client if self.handler is not None else None

    async def start(self) -> None:
        self.handler = AsyncSocketModeHandler(self.app, self.app_token, logger=self.library_log,
                                              web_client=self.client, ping_interval=self.ping_interval)
        # the watchdog below reconnects; `connect` resets the first from the second, so both are set
        self.handler.client.default_auto_reconnect_enabled = self.handler.client.auto_reconnect_enabled = False
        try:
            await asyncio.wait_for(self.handler.connect_async(), CONNECT_TIMEOUT)
        except TimeoutError:
            raise FatalPlatformError(
                f"Slack Socket Mode did not connect within {CONNECT_TIMEOUT:.0f} s: check the network and "
                "that Socket Mode is enabled for the app (SLACK_APP_TOKEN)", exit_status=ExitStatus.SLACK_REFUSED
            ) from None
        self._watchdog = asyncio.create_task(self._watch(), name="slack-socket-watchdog")
        log.info("Slack Socket Mode connected")

    async def _watch(self) -> None:
        socket = self.socket
        assert socket is not None
        while not socket.closed:
            await asyncio.sleep(self.watchdog_interval)
            try:
                if not await socket.is_connected():
                    log.warning("the Slack Socket Mode connection is dead: reconnecting")
                    await socket.connect_to_new_endpoint(force=True)
                    self.reconnections += 1
                    log.info("Slack Socket Mode reconnected")
            except Exception as error:  # keep watching: the next round tries again
                log.error("Slack Socket Mode reconnection failed: %s", type(error).__name__)

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        if self.handler is not None:
            await self.handler.close_async()


class HttpTransport:
    def __init__(self, app: AsyncApp, host: str, port: int, signing_secret: str) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.gate = SlackHttpGate(app, signing_secret)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        server = web.Application()
        server.router.add_post(EVENTS_PATH, self.gate.handle)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        addresses = self._runner.addresses  # the bound address tells the real port when 0 was asked
        if addresses:
            self.port = addresses[0][1]
        log.info("Slack HTTP endpoint listening on %s:%s%s", self.host, self.port, EVENTS_PATH)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{EVENTS_PATH}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
