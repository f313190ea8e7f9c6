"""A local Slack for tests, on 127.0.0.1 with an ephemeral port: the Web API, response URLs and Socket Mode.

The real slack-sdk and slack-bolt talk to it unchanged: point `AsyncWebClient(base_url=fake.api_base)` at it
(`SlackPlatform(api_base=fake.api_base)`), and `apps.connections.open` hands out the fake's own websocket.

    fake = SlackFake()
    await fake.start()                      # ... await fake.stop()
    fake.add_user("U1", "Ada"); fake.add_usergroup("S1", ["U1"])
    fake.add_channel("C1", "news", member=False); fake.scopes = ("chat:write", ...)   # conversations.info
    await fake.send_event({"type": "message", ...})        # Events API over Socket Mode (again until acked)
    await fake.deliver_socket(body) / fake.deliver_http(url, body)   # ... and again, as Slack retries, until acked
    await fake.send_socket("slash_commands", command_payload(...))
    status, text = await fake.post_signed(url, body, content_type=...)   # signed like Slack, or not (forged)
    fake.calls_to("chat.postMessage")       # recorded Web API calls: ApiCall(method, args, token)
    fake.responses                          # bodies posted to response URLs (fake.response_url(key))
    fake.queue_error("chat.postMessage", "channel_not_found"); fake.queue_rate_limit("chat.postMessage", 1)
    fake.storm("chat.postMessage", status=429, retry_after=30)   # or status=503; calm(method) ends it
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))          # bounded wait, no fixed sleep
    await fake.drop_socket()                # close the websocket from the server side
    await fake.send_disconnect()            # ask the app to reconnect, as Slack does every few hours

Channels for `conversations.info`: those given to `add_channel`; any other id is `channel_not_found`, and so is a
private channel the bot is not in (Slack hides those from it). When `scopes` is set, every Web API answer
carries them in the `x-oauth-scopes` header, as Slack's do. As Slack does, `chat.postMessage` answers
`not_in_channel` in a known channel the bot has not joined (without `chat:write.public`), `is_archived`, and
`msg_too_long` past 40,000 characters; `users.info` answers `user_not_found` for an unknown user;
`conversations.history` pages (`limit`, `cursor`, `has_more`); with `enforce_tiers`, each method answers 429
with `Retry-After` past its rate-limit tier (per channel for posts); events carry `authorizations` and
`event_context`; `deliver_http` / `deliver_socket` deliver an event again, with `X-Slack-Retry-Num` or
`retry_attempt`, until it is acknowledged.

Payload builders (`event_body`, `command_payload`, `block_actions_payload`, …) produce what Slack sends.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

from tests.patience import PATIENCE

TEAM_ID = "T0001"
BOT_USER_ID = "UBOT"
BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
SIGNING_SECRET = "fake-signing-secret"
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
MESSAGE_TEXT_LIMIT = 40_000  # chat.postMessage answers msg_too_long past it
HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT = 100, 999
# Web API rate-limit tiers, in calls per minute (https://docs.slack.dev/apis/web-api/rate-limits)
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {"users.info": 4, "usergroups.list": 2, "usergroups.users.list": 2, "usergroups.users.update": 2,
                "conversations.history": 3, "conversations.info": 3, "conversations.open": 3, "chat.update": 3,
                "chat.delete": 3, "reactions.add": 3,
                "views.open": 4, "chat.postEphemeral": 4, "auth.test": 4}
POST_PER_CHANNEL_PER_SECOND = 1  # chat.postMessage: "special" tier, about one a second per channel (bursts pass)


@dataclass(frozen=True)
class ApiCall:
    method: str
    args: dict[str, Any]
    token: str


@dataclass
class FakeMessage:
    channel: str
    ts: str
    text: str
    blocks: Any = None
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None
    deleted: bool = False


@dataclass
class _Canned:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None  # a non-JSON body instead of `body`


class SlackFake:
    def __init__(self, *, team_id: str = TEAM_ID, bot_user_id: str = BOT_USER_ID, bot_token: str = BOT_TOKEN,
                 app_token: str = APP_TOKEN, signing_secret: str = SIGNING_SECRET) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.calls: list[ApiCall] = []
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes posted to its upload URL
        self.upload_names: dict[str, str] = {}  # file id -> the filename asked for in getUploadURLExternal
        self.responses: list[dict[str, Any]] = []
        self.http_deliveries: list[dict[str, str]] = []  # the retry headers of each HTTP delivery
        self.messages: list[FakeMessage] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.scopes: tuple[str, ...] | None = None
        self.enforce_tiers = False  # answer 429 past each method's tier, as Slack does
        self.clock: Callable[[], float] = time.monotonic
        self._recent_calls: dict[str, deque[float]] = defaultdict(deque)
        # A method answered 429 with Retry-After stays refused until then, as Slack does: a client that retries
        # early is refused again, so a test sees the wait honoured by counting calls, not by timing them.
        self._refused_until: dict[str, float] = {}
        self.connections = 0
        self._canned: dict[str, deque[_Canned]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._closed: dict[web.WebSocketResponse, asyncio.Event] = {}  # set once that socket's handler ended
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Event()
        self._connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/commands/{team}/{number}/{key}", self._response)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link/", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, key: str) -> str:
        """Shaped like Slack's (`https://hooks.slack.com/commands/T…/…/…`): logs must mask it like the real one."""
        return f"{self.base}/commands/{self.team_id}/{next(self._ids)}/{key}"

    # -- scripting ---------------------------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, *, is_bot: bool = False) -> None:
        self.users[user_id] = {"id": user_id, "name": name.lower(), "real_name": name, "is_bot": is_bot,
                               "team_id": self.team_id, "profile": {"display_name": name, "real_name": name}}

    def add_usergroup(self, group_id: str, members: list[str]) -> None:
        self.usergroups[group_id] = list(members)

    def add_channel(self, channel_id: str, name: str = "", *, private: bool = False, archived: bool = False,
                    member: bool = True) -> None:
        self.channels[channel_id] = {"id": channel_id, "name": name or channel_id.lower(), "is_channel": not private,
                                     "is_group": private, "is_im": False, "is_mpim": False, "is_private": private,
                                     "is_archived": archived, "is_member": member, "is_general": False}

    def queue_error(self, method: str, error: str) -> None:
        """The next call to `method` answers `ok: false` with `error`."""
        self._canned[method].append(_Canned(200, {"ok": False, "error": error}))

    def queue_rate_limit(self, method: str, retry_after: int = 1) -> None:
        """The next call to `method` answers HTTP 429 with a `Retry-After` header."""
        self._canned[method].append(_Canned(429, {"ok": False, "error": "ratelimited"},
                                            {"Retry-After": str(retry_after)}))

    def storm(self, method: str, *, status: int = 429, retry_after: int = 0, times: int = 1000) -> None:
        """The next `times` calls to `method` fail: 429 with `Retry-After`, or a 5xx with an HTML body, as
        Slack's edge answers when it is in trouble."""
        if status == 429:
            canned = _Canned(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
        else:
            canned = _Canned(status, {}, {}, text="<html><body>upstream trouble</body></html>")
        self._canned[method].extend([canned] * times)

    def calm(self, method: str) -> None:
        self._canned[method].clear()

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = PATIENCE) -> Any:
        """Wait until `predicate()` is truthy (re-checked whenever the fake records something); return it."""
        async def poll() -> Any:
            while True:
                self._changed.clear()
                value = predicate()
                if value:
                    return value
                await self._changed.wait()

        return await asyncio.wait_for(poll(), timeout)

    def _record(self) -> None:
        self._changed.set()

    # -- Web API -----------------------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(parse_qsl(await request.text()))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or str(args.get("token"))
        self.calls.append(ApiCall(method, args, token))
        self._record()
        canned = self._canned[method]
        scopes = {"x-oauth-scopes": ",".join(self.scopes)} if self.scopes is not None else {}
        refused_for = self._refused_until.get(method, 0.0) - self.clock()
        if refused_for > 0:
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers=scopes | {"Retry-After": str(max(1, int(refused_for + 0.999)))})
        if canned:
            answer = canned.popleft()
            if answer.status == 429 and "Retry-After" in answer.headers:
                self._refused_until[method] = self.clock() + float(answer.headers["Retry-After"])
            if answer.text is not None:
                return web.Response(text=answer.text, status=answer.status, content_type="text/html")
            return web.json_response(answer.body, status=answer.status, headers=scopes | answer.headers)
        expected = self.app_token if method in APP_TOKEN_METHODS else self.bot_token
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        limited = self._rate_limited(method, args)
        if limited is not None:
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers=scopes | {"Retry-After": str(limited)})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        body = handler(args) if handler else {}
        if "error" in body:
            return web.json_response({"ok": False, **body}, headers=scopes)
        return web.json_response({"ok": True, **body}, headers=scopes)

    def _rate_limited(self, method: str, args: dict[str, Any]) -> int | None:
        """Seconds to wait when this call goes past its tier (per method and workspace; per channel for posts)."""
        if not self.enforce_tiers:
            return None
        if method == "chat.postMessage":
            key, window, allowed = f"{method}:{args.get('channel')}", 1.0, POST_PER_CHANNEL_PER_SECOND * 5
        elif method in METHOD_TIERS:
            key, window, allowed = method, 60.0, TIER_PER_MINUTE[METHOD_TIERS[method]]
        else:
            return None
        now = self.clock()
        recent = self._recent_calls[key]
        while recent and recent[0] <= now - window:
            recent.popleft()
        if len(recent) >= allowed:
            return max(1, int(recent[0] + window - now + 0.999))
        recent.append(now)
        return None

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": "https://fake.slack.test/", "team": "Fake", "user": "cmbot", "team_id": self.team_id,
                "user_id": self.bot_user_id, "bot_id": "B0001"}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/link/?ticket={next(self._ids)}"}

    def _new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is not None and not channel["is_member"] and not self._has_scope("chat:write.public"):
            return {"error": "not_in_channel"}
        if channel is not None and channel["is_archived"]:
            return {"error": "is_archived"}
        if len(str(args.get("text") or "")) > MESSAGE_TEXT_LIMIT:
            return {"error": "msg_too_long"}
        message = FakeMessage(args["channel"], self._new_ts(), args.get("text", ""), args.get("blocks"),
                              _json_arg(args.get("metadata")), args.get("thread_ts"))
        self.messages.append(message)
        return {"channel": message.channel, "ts": message.ts, "message": {"text": message.text}}

    def _has_scope(self, scope: str) -> bool:
        return self.scopes is not None and scope in self.scopes

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": args["channel"], "ts": args["ts"], "text": args.get("text", "")}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": args["channel"], "ts": args["ts"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"message_ts": self._new_ts()}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": {"id": "D" + str(args.get("users", "")).lstrip("UW")}}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, `limit` a page (100 by default), `oldest`/`latest` bounds, and a `next_cursor` while more
        remain, as Slack pages it."""
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")
        limit = min(int(args.get("limit") or HISTORY_DEFAULT_LIMIT), HISTORY_MAX_LIMIT)
        start = int(str(args.get("cursor") or "offset:0").removeprefix("offset:") or 0)
        found = [m for m in reversed(self.messages) if m.channel == args["channel"] and not m.deleted
                 and oldest <= float(m.ts) <= latest]
        page = found[start:start + limit]
        with_metadata = str(args.get("include_all_metadata")).lower() in {"1", "true"}
        rows = [{"type": "message", "ts": m.ts, "text": m.text, "user": self.bot_user_id,
                 **({"metadata": m.metadata} if with_metadata and m.metadata else {})} for m in page]
        more = start + limit < len(found)
        return {"messages": rows, "has_more": more,
                "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""}}

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            return {"error": "channel_not_found"}
        return {"channel": channel}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": f"V{next(self._ids)}"}}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        return {"user": user} if user is not None else {"error": "user_not_found"}

    def _m_usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"usergroups": [{"id": gid, "users": users} for gid, users in self.usergroups.items()]}

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        users = self.usergroups.get(str(args.get("usergroup", "")))
        return {"users": list(users)} if users is not None else {"error": "no_such_subteam"}

    def _m_usergroups_users_update(self, args: dict[str, Any]) -> dict[str, Any]:
        """Replaces the whole list, as Slack does; a group cannot be emptied, and the scope is needed when the
        fake is told which scopes the token has."""
        group = str(args.get("usergroup", ""))
        if self.scopes is not None and not self._has_scope("usergroups:write"):
            return {"error": "missing_scope", "needed": "usergroups:write"}
        if group not in self.usergroups:
            return {"error": "no_such_subteam"}
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users:
            return {"error": "invalid_users"}
        self.usergroups[group] = users
        return {"usergroup": {"id": group, "users": users}}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids)}"
        self.upload_names[file_id] = str(args["filename"])
        return {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Slack shares a file only once its bytes arrived at the upload URL: an id never uploaded is refused."""
        files = _json_arg(args.get("files")) or []
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        return {"files": [{"id": f["id"], "name": self.upload_names.get(f["id"], ""), "title": f.get("title", ""),
                           "size": len(self.uploads[f["id"]])} for f in files]}

    def uploaded(self, channel_id: str) -> list[tuple[str, bytes]]:
        """The files shared in a channel (filename, bytes), in the order they were completed."""
        found = []
        for call in self.calls_to("files.completeUploadExternal"):
            if call.args.get("channel_id") == channel_id:
                for f in _json_arg(call.args.get("files")) or []:
                    found.append((self.upload_names.get(f["id"], ""), self.uploads.get(f["id"], b"")))
        return found

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: Slack takes the file's bytes as the raw body or as a multipart form's `file` part."""
        file_id = request.match_info["file_id"]
        if request.content_type == "multipart/form-data":
            data = b""
            async for part in await request.multipart():
                data += bytes(await part.read())  # type: ignore[union-attr]
        else:
            data = await request.read()
        self.uploads[file_id] = data
        return web.Response(text="OK - uploaded")

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"key": request.match_info["key"], **body})
        self._record()
        return web.Response(text="ok")

    # -- Socket Mode -------------------------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self._closed[ws] = asyncio.Event()
        self._sockets.append(ws)
        self._connected.set()
        self._record()
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0001"}})
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                ack = json.loads(frame.data)
                future = self._acks.pop(ack.get("envelope_id", ""), None)
                if future is not None and not future.done():
                    future.set_result(ack)
        if ws in self._sockets:
            self._sockets.remove(ws)
        if not self._sockets:
            self._connected.clear()  # closed by the app: the next send waits for its next connection
        self._closed.pop(ws).set()
        return ws

    async def drop_socket(self) -> None:
        """Close every open websocket from the server side, as when Slack's connection dies."""
        self._connected.clear()
        for ws in list(self._sockets):
            self._sockets.remove(ws)
            await ws.close()

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to move to a new connection, as Slack does every few hours."""
        await asyncio.wait_for(self._wait_socket(), 5.0)
        await self._sockets[-1].send_json({"type": "disconnect", "reason": reason})

    async def send_socket(self, envelope_type: str, payload: dict[str, Any], *, retry_attempt: int = 0,
                          timeout: float = PATIENCE) -> dict[str, Any]:
        """Send one envelope over the open websocket; return the app's acknowledgement.

        A socket that closes before the envelope is acknowledged (the app's client reconnects when its pings go
        unanswered for a while, which a loaded machine can cause) does not lose it: it is sent again on the next
        connection with the next `retry_attempt`, as Slack retries an unacknowledged event. (Slack does not retry
        an interactive payload, whose user would click again; the fake resends every kind, so that no test hangs
        on a click lost to a reconnection.)"""
        envelope_id = f"env-{next(self._ids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future

        async def deliver() -> dict[str, Any]:
            attempt = retry_attempt
            while True:
                await self._wait_socket()
                ws = self._sockets[-1]
                closed = asyncio.ensure_future(self._closed[ws].wait())
                try:
                    await ws.send_json({
                        "envelope_id": envelope_id, "type": envelope_type, "payload": payload,
                        "accepts_response_payload": envelope_type != "events_api",
                        "retry_attempt": attempt, "retry_reason": "timeout" if attempt else "",
                    })
                    await asyncio.wait({future, closed}, return_when=asyncio.FIRST_COMPLETED)
                except (ConnectionError, RuntimeError):
                    await closed  # the socket was closing as the envelope went out: wait for the next one
                finally:
                    closed.cancel()
                if future.done():
                    return future.result()
                attempt += 1

        try:
            return await asyncio.wait_for(deliver(), timeout)
        finally:
            self._acks.pop(envelope_id, None)

    async def _wait_socket(self) -> None:
        while not self._sockets:
            await self._connected.wait()

    async def deliver_socket(self, body: dict[str, Any], *, ack_timeout: float = 3.0,
                             retry_delays: tuple[float, ...] = (0.0, 60.0, 300.0)) -> int:
        """Deliver an Events API body over Socket Mode as Slack does: with no acknowledgement within `ack_timeout`,
        send it again (`retry_attempt` 1, 2, 3, reason "timeout") after each of `retry_delays` (Slack's own: at
        once, a minute, five minutes). Returns how many deliveries it took; raises TimeoutError if none was
        acknowledged."""
        deliveries, _ = await self._deliver_event(body, 0, ack_timeout, retry_delays)
        return deliveries

    async def _deliver_event(self, body: dict[str, Any], first_attempt: int, ack_timeout: float,
                             retry_delays: tuple[float, ...]) -> tuple[int, dict[str, Any]]:
        """Slack's retries of an Events API body (see `deliver_socket`): how many deliveries, and the ack."""
        for count, delay in enumerate((*retry_delays, None), start=1):
            try:
                ack = await self.send_socket("events_api", body, retry_attempt=first_attempt + count - 1,
                                             timeout=ack_timeout)
                return count, ack
            except TimeoutError:
                if delay is None:
                    raise
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def deliver_http(self, url: str, body: dict[str, Any], *, ack_timeout: float = 3.0,
                           retry_delays: tuple[float, ...] = (0.0, 60.0, 300.0)) -> list[int | None]:
        """Deliver an Events API body over HTTP as Slack does: a non-2xx answer, or none within `ack_timeout`, is
        followed by a retry signed anew, with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`, after each of
        `retry_delays`. Returns the status of each delivery (None: no answer in time)."""
        text = json.dumps(body)
        statuses: list[int | None] = []
        reason = ""
        for attempt in range(len(retry_delays) + 1):
            headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason} if attempt else {}
            self.http_deliveries.append(headers)
            try:
                status, _ = await asyncio.wait_for(self.post_signed(url, text, headers=headers), ack_timeout)
            except TimeoutError:
                status = None
            statuses.append(status)
            if status is not None and 200 <= status < 300:
                return statuses
            reason = "http_timeout" if status is None else "http_error"
            if attempt < len(retry_delays):
                await asyncio.sleep(retry_delays[attempt])
        return statuses

    async def send_event(self, event: dict[str, Any], *, event_id: str | None = None, retry_attempt: int = 0,
                         ack_timeout: float = 3.0, retry_delays: tuple[float, ...] = (0.0, 60.0, 300.0),
                         ) -> dict[str, Any]:
        """One Events API event over Socket Mode, delivered again as Slack does when it is not acknowledged in
        time (see `deliver_socket`); returns the acknowledgement. A bot that leaves an event unacknowledged so
        that Slack delivers it again (its store was slow to take it, on a loaded machine) gets that delivery,
        instead of a test waiting for an ack the bot will never send."""
        _, ack = await self._deliver_event(self.event_body(event, event_id), retry_attempt, ack_timeout, retry_delays)
        return ack

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        """An Events API envelope as Slack sends it, `authorizations` and `event_context` included."""
        return {"token": "verification-token", "team_id": self.team_id, "context_team_id": self.team_id,
                "context_enterprise_id": None, "api_app_id": "A0001", "event": event, "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}", "event_time": int(time.time()),
                "authorizations": [{"enterprise_id": None, "team_id": self.team_id, "user_id": self.bot_user_id,
                                    "is_bot": True, "is_enterprise_install": False}],
                "is_ext_shared_channel": False,
                "event_context": f"4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJ{next(self._ids):04d}"}

    # -- signed HTTP -------------------------------------------------------------------------------------
    def sign(self, body: str, timestamp: int, secret: str | None = None) -> str:
        base = f"v0:{timestamp}:{body}".encode()
        digest = hmac.new((secret or self.signing_secret).encode(), base, hashlib.sha256).hexdigest()
        return f"v0={digest}"

    async def post_signed(self, url: str, body: str, *, content_type: str = "application/json",
                          timestamp: int | None = None, secret: str | None = None, signed_body: str | None = None,
                          headers: dict[str, str] | None = None) -> tuple[int, str]:
        """POST `body` to the app as Slack does. `secret`, `timestamp` and `signed_body` forge the signature."""
        assert self._session is not None
        stamp = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": self.sign(body if signed_body is None else signed_body, stamp, secret),
            **(headers or {}),
        }
        async with self._session.post(url, data=body.encode(), headers=all_headers) as response:
            return response.status, await response.text()


def _json_arg(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# -- what Slack sends --------------------------------------------------------------------------------------
def command_payload(text: str, *, user_id: str, channel_id: str = "C0001", response_url: str,
                    team_id: str = TEAM_ID, trigger_id: str | None = None) -> dict[str, str]:
    return {"token": "verification-token", "team_id": team_id, "team_domain": "fake", "channel_id": channel_id,
            "channel_name": "general", "user_id": user_id, "user_name": user_id.lower(), "command": "/cmbot",
            "text": text, "api_app_id": "A0001", "response_url": response_url,
            "trigger_id": trigger_id or f"trig.{time.monotonic_ns()}"}


def form_body(payload: dict[str, str]) -> str:
    return urlencode(payload)


def interactive_form(payload: dict[str, Any]) -> str:
    """Interactivity over HTTP: the JSON payload in a `payload` form field."""
    return urlencode({"payload": json.dumps(payload)})


def block_actions_payload(custom_id: str, *, user_id: str, channel_id: str, message_ts: str, response_url: str,
                          team_id: str = TEAM_ID) -> dict[str, Any]:
    return {"type": "block_actions", "team": {"id": team_id, "domain": "fake"},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
            "api_app_id": "A0001", "token": "verification-token", "trigger_id": f"trig.{time.monotonic_ns()}",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id},
            "channel": {"id": channel_id, "name": "general"}, "message": {"ts": message_ts, "text": "card"},
            "response_url": response_url,
            "actions": [{"type": "button", "action_id": custom_id, "block_id": "b1", "value": custom_id,
                         "action_ts": f"{time.time():.6f}"}]}


def view_submission_payload(callback_id: str, values: dict[str, str], *, user_id: str, channel_id: str = "",
                            team_id: str = TEAM_ID) -> dict[str, Any]:
    state = {key: {key: {"type": "plain_text_input", "value": value}} for key, value in values.items()}
    return {"type": "view_submission", "team": {"id": team_id, "domain": "fake"},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id}, "api_app_id": "A0001",
            "token": "verification-token", "trigger_id": f"trig.{time.monotonic_ns()}",
            "view": {"id": "V0001", "type": "modal", "callback_id": callback_id, "private_metadata": channel_id,
                     "hash": "h1", "state": {"values": state}}}


def message_shortcut_payload(*, user_id: str, channel_id: str, message_ts: str, author_id: str, text: str,
                             response_url: str, team_id: str = TEAM_ID) -> dict[str, Any]:
    return {"type": "message_action", "callback_id": "report_to_moderators", "team": {"id": team_id},
            "user": {"id": user_id, "name": user_id.lower()}, "channel": {"id": channel_id, "name": "general"},
            "message": {"type": "message", "user": author_id, "ts": message_ts, "text": text},
            "response_url": response_url, "trigger_id": f"trig.{time.monotonic_ns()}",
            "action_ts": f"{time.time():.6f}", "token": "verification-token"}
