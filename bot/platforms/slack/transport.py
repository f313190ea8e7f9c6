"""How Slack's requests reach the Bolt app: Socket Mode (default) or signed HTTP (`cmbot run --slack-http PORT`).

Socket Mode needs no public URL: the app token opens a websocket (`apps.connections.open`) that shares the
bot's event loop (`connect`, never a blocking `start`). The library's own reconnection is switched off in
favour of one watchdog we own and test: every `watchdog_interval` seconds it checks the session (closed,
stale ping-pong) and opens a new one when it is dead. HTTP mode serves one path for events, the slash command
and interactivity, with Bolt's signature verification always on (a forged, stale or tampered request gets 401
and reaches no listener).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import FatalPlatformError

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
CONNECT_TIMEOUT = 60.0
EXIT_SLACK_UNREACHABLE = 4


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
        self.socket: SocketModeClient | None = None
        self.reconnections = 0
        self._watchdog: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.socket = SocketModeClient(
            app_token=self.app_token,
            logger=self.library_log,
            web_client=self.client,
            auto_reconnect_enabled=False,
            ping_interval=self.ping_interval,
        )
        self.socket.socket_mode_request_listeners.append(self._handle)
        try:
            await asyncio.wait_for(self.socket.connect(), CONNECT_TIMEOUT)
        except TimeoutError:
            raise FatalPlatformError(
                f"Slack Socket Mode did not connect within {CONNECT_TIMEOUT:.0f} s: check the network and "
                "that Socket Mode is enabled for the app (SLACK_APP_TOKEN)", exit_status=EXIT_SLACK_UNREACHABLE
            ) from None
        self._watchdog = asyncio.create_task(self._watch(), name="slack-socket-watchdog")
        log.info("Slack Socket Mode connected")

    async def _handle(self, client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        response = await run_async_bolt_app(self.app, request)
        await send_async_response(client, request, response, 0.0)

    async def _watch(self) -> None:
        assert self.socket is not None
        while not self.socket.closed:
            await asyncio.sleep(self.watchdog_interval)
            try:
                if not await self.socket.is_connected():
                    log.warning("the Slack Socket Mode connection is dead: reconnecting")
                    await self.socket.connect_to_new_endpoint(force=True)
                    self.reconnections += 1
                    log.info("Slack Socket Mode reconnected")
            except Exception as error:  # keep watching: the next round tries again
                log.error("Slack Socket Mode reconnection failed: %s", type(error).__name__)

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        if self.socket is not None:
            await self.socket.close()


class HttpTransport:
    def __init__(self, app: AsyncApp, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app.web_app(path=EVENTS_PATH, port=self.port), access_log=None)
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
