"""A small local Discord (REST + gateway) that the real discord.py client logs in to, on 127.0.0.1.

API, for any test that needs Discord at the wire:

    fake = FakeDiscord(token="t", guild_ids=("100",))
    await fake.start()                       # ephemeral port; fake.api_base / fake.gateway_url to point a client at
    await fake.dispatch("MESSAGE_CREATE", fake.message(...))   # a gateway event to every connected client
    fake.requests                            # every REST call received: Recorded(method, path, query, json)
    await fake.wait_for_request("POST", r"/channels/7/messages")   # bounded wait for a call, no sleeps
    fake.queue_error("POST", r"/channels/7/messages", 429, {"retry_after": 0.05, ...})   # next matching call fails
    fake.storm("POST", r"/channels/7/messages", 503)   # every matching call fails (or the next `times`); calm()
    await fake.ask_to_reconnect()            # op 7: the client resumes (fake.resumes counts it)
    await fake.stop()

Closer to the real service: a client that RESUMEs gets the events dispatched while it was away (`drop_connections`,
then `dispatch`, then `wait_resumed`), with `replay_overlap` of those it had seen (Discord delivers at least
once); heartbeats can go unanswered (`heartbeat_acks = False`, with a short `heartbeat_interval_ms`) so the
client must reconnect; an interaction must be acknowledged within 3 s and once ("already acknowledged",
40060), its token lasts 15 minutes (`advance(seconds)` moves the fake's clock); history honours `limit`,
`before`, `after` and `around`; `answers` records every REST answer's status.

Behaviour: REST answers need `Authorization: Bot <token>` (401 otherwise, as Discord does); the gateway answers
HELLO, IDENTIFY with READY (its resume URL pointing back here) and one GUILD_CREATE per guild, heartbeats with
op 11, and closes with `close_on_identify` (e.g. 4004, 4014) when set. `application_flags` controls which
privileged intents the application is said to have; identifying with a privileged intent it lacks closes with
4014, as Discord does. Sent messages are kept per channel (newest last) and served back by the history route,
without their nonce (Discord's history does not return it); a send with `enforce_nonce` whose nonce was used in
the last `nonce_window_seconds` (a few minutes, as Discord says) returns the earlier message. Closed DMs:
`dms_closed` user ids get 403/50007.
Channels: each guild has #general (id 700) plus those given to `add_channel` (before the client connects, to be
in GUILD_CREATE; threads are served by GET /channels/{id} only, as archived threads are); an unknown id answers
404/10003. The bot's member holds a role with the permissions of the invite link; `add_channel(denied=...)`
takes permissions away from it in one channel through a member overwrite, as a server admin would.
Native polls: a message sent with a `poll` is checked as Discord checks it (1 to 768 whole hours, a question of
at most 300 characters, 1 to 10 answers of at most 55) and stored with its expiry; `vote` records a member's
vote as Discord's client does (on a single-choice poll, changing answer removes the old vote first) and sends
MESSAGE_POLL_VOTE_ADD / _REMOVE, or only counts it (`dispatch=False`, a vote cast while the bot was away);
POST /channels/{c}/polls/{m}/expire ends the poll and answers the message with its final counts (Discord's
520001 "Poll expired" when it already ended), and adds Discord's own results message (type 46) to the channel;
GET /channels/{c}/messages/{m} serves a message with its count; GET /channels/{c}/polls/{m}/answers/{a} lists an
answer's voters, paged.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from tests.patience import PATIENCE

JSON = "application/json"
GATEWAY_GUILD_MEMBERS = 1 << 14
GATEWAY_MESSAGE_CONTENT = 1 << 18
ALL_PRIVILEGED = GATEWAY_GUILD_MEMBERS | GATEWAY_MESSAGE_CONTENT
INTENT_MEMBERS = 1 << 1
INTENT_MESSAGE_CONTENT = 1 << 15
DISCORD_EPOCH_MS = 1420070400000
ADD_REACTIONS, VIEW_CHANNEL, SEND_MESSAGES = 1 << 6, 1 << 10, 1 << 11
MANAGE_MESSAGES, EMBED_LINKS, ATTACH_FILES, READ_HISTORY = 1 << 13, 1 << 14, 1 << 15, 1 << 16
CREATE_PUBLIC_THREADS, SEND_MESSAGES_IN_THREADS, MODERATE_MEMBERS = 1 << 35, 1 << 38, 1 << 40
BOT_PERMISSIONS = (ADD_REACTIONS | VIEW_CHANNEL | SEND_MESSAGES | MANAGE_MESSAGES | EMBED_LINKS | ATTACH_FILES
                   | READ_HISTORY | CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS | MODERATE_MEMBERS)


def snowflake(counter: itertools.count) -> str:
    return str(((int(datetime.now(UTC).timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) + next(counter) % 4096)


def user(user_id: str, name: str = "someone", bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "global_name": name, "discriminator": "0", "avatar": None, "bot": bot}


def member(user_id: str, name: str = "someone", roles: tuple[str, ...] = (), joined_at: str | None = None):
    return {"user": user(user_id, name), "roles": list(roles), "nick": None, "deaf": False, "mute": False,
            "joined_at": joined_at or datetime.now(UTC).isoformat(), "flags": 0}


@dataclass
class Recorded:
    method: str
    path: str  # below /api/v10, e.g. "/channels/7/messages"
    query: dict[str, str]
    json: Any
    headers: dict[str, str] = field(default_factory=dict)
    files: list[Upload] = field(default_factory=list)  # the files of a multipart request, in order


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request (`files[n]`), as Discord receives it."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class CannedError:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int | None = 1  # None: every matching call, until `calm()`


class FakeDiscord:
    def __init__(self, token: str = "test-token", guild_ids: tuple[str, ...] = ("100",), bot_id: str = "900",
                 application_flags: int = ALL_PRIVILEGED) -> None:
        self.token = token
        self.guild_ids = guild_ids
        self.bot_id = bot_id
        self.application_flags = application_flags
        self.close_on_identify: int | None = None
        self.dms_closed: set[str] = set()
        # enforce_nonce: Discord returns the earlier message for a nonce seen "in the past few minutes"; 0 turns
        # the guard off, so a test counts every duplicate a bug would send
        self.nonce_window_seconds = 300.0
        self.absent_members: set[str] = set()  # user ids that are in no guild: 404 Unknown Member
        self.member_roles: dict[str, set[str]] = {}  # user id -> role ids given or taken back through REST
        self.requests: list[Recorded] = []
        self.identified = asyncio.Event()
        self.identify_payloads: list[dict[str, Any]] = []
        self.resumes = 0
        self.fail_resumes = False  # answer RESUME with INVALID_SESSION: the client identifies anew (READY again)
        self.replay_overlap = 0  # on RESUME, replay this many events the client had already seen (at least once)
        self.heartbeat_interval_ms = 45_000
        self.heartbeat_acks = True  # False: heartbeats go unanswered, as from a zombie connection
        self.clock_offset = 0.0  # seconds added to the fake's clock (`advance`): interactions expire on it
        self.answers: list[tuple[str, str, int]] = []  # (method, path, status) of every REST answer
        self._dispatched: list[dict[str, Any]] = []  # every DISPATCH frame, for RESUME to replay
        self._interactions: dict[str, dict[str, Any]] = {}  # id -> {"token", "created", "acked"}
        self.channel_messages: dict[str, list[dict[str, Any]]] = {}
        self.channels: dict[str, dict[str, Any]] = {}  # added with `add_channel`, besides each guild's #general
        self.poll_votes: dict[str, dict[int, set[str]]] = {}  # message id -> answer id -> voters (native polls)
        self._errors: list[CannedError] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._sequence = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------------------------------
    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def connected(self) -> int:
        """How many gateway connections are identified (or resumed) right now."""
        return len(self._sockets)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- test controls ----------------------------------------------------------------------------------------
    def new_id(self) -> str:
        return snowflake(self._ids)

    def add_channel(self, channel_id: str, name: str = "", *, guild_id: str | None = None, denied: int = 0,
                    thread_of: str | None = None) -> dict[str, Any]:
        """A text channel (or a public thread of `thread_of`) in a guild; `denied` permissions are taken from the
        bot there by a member overwrite."""
        guild = guild_id or self.guild_ids[0]
        channel: dict[str, Any] = {"id": channel_id, "type": 0, "name": name or f"channel-{channel_id}",
                                   "position": len(self.channels) + 1, "guild_id": guild,
                                   "permission_overwrites": [{"id": self.bot_id, "type": 1, "allow": "0",
                                                              "deny": str(denied)}] if denied else []}
        if thread_of is not None:
            channel = {k: v for k, v in channel.items() if k not in ("position", "permission_overwrites")} | {
                "type": 11, "parent_id": thread_of, "owner_id": self.bot_id, "message_count": 0, "member_count": 0,
                "rate_limit_per_user": 0, "thread_metadata": {"archived": True, "locked": False,
                                                              "auto_archive_duration": 1440,
                                                              "archive_timestamp": _now()}}
        self.channels[channel_id] = channel
        return channel

    def queue_error(self, method: str, path: str, status: int, body: dict[str, Any] | None = None,
                    headers: dict[str, str] | None = None) -> None:
        """The next `method` call whose path matches the regex `path` gets this answer instead of success."""
        extra = {"Via": "1.1 google"} if status == 429 else {}
        self._errors.append(CannedError(method.upper(), re.compile(path), status,
                                        body or {"message": "error", "code": 0}, extra | (headers or {})))

    def storm(self, method: str, path: str, status: int, body: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, times: int | None = None) -> None:
        """Every matching call (or the next `times`) gets this answer: a 429 or 5xx storm."""
        self.queue_error(method, path, status, body, headers)
        self._errors[-1].times = times

    def calm(self) -> None:
        """End every storm and drop the errors still queued."""
        self._errors.clear()

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method.upper() and pattern.fullmatch(r.path)]

    async def wait_for_request(self, method: str, path: str, count: int = 1,
                               timeout: float = PATIENCE) -> list[Recorded]:
        """Wait (bounded) until `count` calls matched, and return them."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.requests_to(method, path)) >= count),
                                   timeout)
        return self.requests_to(method, path)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway DISPATCH to every connected client. With none connected the event is only kept: a
        client that resumes gets it then, as Discord replays what a session missed."""
        frame = {"op": 0, "t": event, "s": next(self._sequence), "d": data}
        self._dispatched.append(frame)
        for socket in list(self._sockets):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await socket.send_json(frame)

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every gateway connection from the server side (a resumable close code): clients RESUME."""
        for socket in list(self._sockets):
            self._sockets.remove(socket)
            await socket.close(code=code, message=b"dropped")

    def advance(self, seconds: float) -> None:
        """Move the fake's clock: an interaction must be answered within 3 s, its token lasts 15 minutes."""
        self.clock_offset += seconds

    def now(self) -> float:
        return time.monotonic() + self.clock_offset

    async def wait_resumed(self, count: int = 1, timeout: float = 30.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.resumes >= count), timeout)

    async def ask_to_reconnect(self) -> None:
        """Gateway op 7 RECONNECT: clients drop the connection and RESUME on a new one."""
        for socket in list(self._sockets):
            await socket.send_json({"op": 7, "d": None, "s": None, "t": None})

    def interaction_token(self) -> str:
        """Shaped like Discord's: base64 of "interaction:<id>:<secret>" (logs must mask it like the real one)."""
        return base64.urlsafe_b64encode(f"interaction:{self.new_id()}:{secrets.token_hex(24)}".encode()).decode()

    # -- payload builders -------------------------------------------------------------------------------------
    def message(self, channel_id: str, author: dict[str, Any], content: str, guild_id: str | None = None,
                roles: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
        payload = {"id": self.new_id(), "channel_id": channel_id, "author": author, "content": content,
                   "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None, "tts": False,
                   "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
                   "embeds": [], "pinned": False, "type": 0, "components": []}
        if guild_id is not None:
            payload |= {"guild_id": guild_id, "member": {k: v for k, v in member(author["id"], roles=roles).items()
                                                          if k != "user"}}
        return payload | extra

    def interaction(self, kind: int, data: dict[str, Any], user_id: str, roles: tuple[str, ...] = (),
                    guild_id: str | None = None, channel_id: str = "700", dm: bool = False,
                    **extra: Any) -> dict[str, Any]:
        """An interaction in a guild, or with `dm` in the member's DM with the bot (channel `8<user id>`): then
        Discord sends a `user` and no guild, member or guild locale."""
        guild = guild_id or self.guild_ids[0]
        interaction_id, token = self.new_id(), self.interaction_token()
        self._interactions[interaction_id] = {"token": token, "created": self.now(), "acked": False}
        payload = {"id": interaction_id, "application_id": self.bot_id, "type": kind, "data": data,
                   "guild_id": guild, "channel_id": channel_id, "channel": {"id": channel_id, "type": 0},
                   "member": member(user_id, roles=roles) | {"permissions": "0"}, "token": token,
                   "version": 1, "locale": "en-US", "guild_locale": "fr", "app_permissions": "0",
                   "entitlements": [], "authorizing_integration_owners": {}, "context": 0,
                   "attachment_size_limit": 10 * 1024 * 1024}
        if dm:
            del payload["guild_id"], payload["member"], payload["guild_locale"]
            channel_id = f"8{user_id}"
            payload |= {"user": user(user_id), "channel_id": channel_id, "context": 1,
                        "channel": {"id": channel_id, "type": 1, "recipients": [user(user_id)]}}
        return payload | extra

    def command(self, name: str, user_id: str, roles: tuple[str, ...] = (), options: list | None = None, **extra):
        data = {"id": self.new_id(), "name": name, "type": 1, "options": options or []}
        return self.interaction(2, data, user_id, roles, **extra)

    async def vote(self, user_id: str, message_id: str, answer_id: int, *, added: bool = True,
                   dispatch: bool = True) -> None:
        """A member votes for (or takes back) an answer of a native poll, as Discord's client does it."""
        message = self._find_message(message_id)
        assert message is not None and message.get("poll"), f"no poll on message {message_id}"
        poll = message["poll"]
        assert not poll["results"]["is_finalized"], "the poll has ended"
        votes = self.poll_votes.setdefault(message_id, {})
        events: list[tuple[str, int]] = []
        if added and not poll["allow_multiselect"]:
            events += [("MESSAGE_POLL_VOTE_REMOVE", other) for other, voters in votes.items()
                       if user_id in voters and other != answer_id]
        events.append(("MESSAGE_POLL_VOTE_ADD" if added else "MESSAGE_POLL_VOTE_REMOVE", answer_id))
        for name, answer in events:
            voters = votes.setdefault(answer, set())
            (voters.add if name.endswith("ADD") else voters.discard)(user_id)
            if dispatch:
                await self.dispatch(name, {"user_id": user_id, "channel_id": message["channel_id"],
                                           "message_id": message_id, "guild_id": self.guild_ids[0],
                                           "answer_id": answer})

    def poll_counts(self, message_id: str) -> dict[int, int]:
        return {answer: len(voters) for answer, voters in self.poll_votes.get(message_id, {}).items()}

    def button_click(self, custom_id: str, message_id: str, user_id: str, roles: tuple[str, ...] = (), **extra):
        channel = f"8{user_id}" if extra.get("dm") else extra.get("channel_id", "700")
        message = self.message(channel, user(self.bot_id, "cmbot", bot=True), "")
        message["id"] = message_id
        return self.interaction(3, {"custom_id": custom_id, "component_type": 2}, user_id, roles,
                                message=message, **extra)

    # -- gateway ---------------------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None,
                                "t": None})
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                break
            message = json.loads(frame.data)
            if message["op"] == 1 and self.heartbeat_acks:
                await socket.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif message["op"] == 2:
                await self._identify(socket, message["d"])
            elif message["op"] == 6 and self.fail_resumes:
                await socket.send_json({"op": 9, "d": False, "s": None, "t": None})
            elif message["op"] == 6:
                seen = int(message["d"].get("seq") or 0) - self.replay_overlap
                for frame in self._dispatched:  # what the session missed, in order, with its sequence numbers
                    if frame["s"] > seen:
                        await socket.send_json(frame)
                self._sockets.append(socket)
                await socket.send_json({"op": 0, "t": "RESUMED", "s": next(self._sequence), "d": {}})
                async with self._changed:
                    self.resumes += 1
                    self._changed.notify_all()
        if socket in self._sockets:
            self._sockets.remove(socket)
        return socket

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identify_payloads.append(data)
        intents = int(data.get("intents", 0))
        lacks_members = intents & INTENT_MEMBERS and not self.application_flags & GATEWAY_GUILD_MEMBERS
        lacks_content = intents & INTENT_MESSAGE_CONTENT and not self.application_flags & GATEWAY_MESSAGE_CONTENT
        code = self.close_on_identify or (4014 if lacks_members or lacks_content else None)
        if code is None and data.get("token") != self.token:
            code = 4004
        if code is not None:
            await socket.close(code=code, message=b"refused")
            return
        self._sockets.append(socket)
        ready = {"v": 10, "user": user(self.bot_id, "cmbot", bot=True), "session_id": "session-1",
                 "resume_gateway_url": self.gateway_url, "guilds": [{"id": g, "unavailable": True}
                                                                   for g in self.guild_ids],
                 "application": {"id": self.bot_id, "flags": self.application_flags}, "private_channels": [],
                 "relationships": []}
        await socket.send_json({"op": 0, "t": "READY", "s": next(self._sequence), "d": ready})
        for guild_id in self.guild_ids:
            guild = self._guild(guild_id)
            await socket.send_json({"op": 0, "t": "GUILD_CREATE", "s": next(self._sequence), "d": guild})
        self.identified.set()

    def _guild(self, guild_id: str) -> dict[str, Any]:
        everyone = {"id": guild_id, "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
                    "hoist": False, "managed": False, "mentionable": False}
        bot_role = everyone | {"id": f"{guild_id}9", "name": "cmbot", "permissions": str(BOT_PERMISSIONS),
                               "position": 1, "managed": True, "tags": {"bot_id": self.bot_id}}
        bot_member = member(self.bot_id, "cmbot", roles=(bot_role["id"],)) | {"user": user(self.bot_id, "cmbot",
                                                                                           bot=True)}
        return {"id": guild_id, "name": f"guild {guild_id}", "owner_id": "1", "roles": [everyone, bot_role],
                "emojis": [], "features": [], "member_count": 2, "members": [bot_member],
                "channels": [c for c in self._channels_of(guild_id) if c["type"] != 11], "threads": [],
                "stickers": [], "verification_level": 0,
                "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
                "premium_tier": 0, "preferred_locale": "fr", "nsfw_level": 0, "large": False, "unavailable": False}

    def _channels_of(self, guild_id: str) -> list[dict[str, Any]]:
        general = {"id": "700", "type": 0, "name": "general", "position": 0, "guild_id": guild_id,
                   "permission_overwrites": []}
        return [general, *(c for c in self.channels.values() if c["guild_id"] == guild_id)]

    def _channel(self, channel_id: str) -> Any:
        for guild_id in self.guild_ids:
            for channel in self._channels_of(guild_id):
                if channel["id"] == channel_id:
                    return channel
        return _json({"message": "Unknown Channel", "code": 10003}, 404)

    # -- REST ------------------------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await self._body(request)
        recorded = Recorded(request.method, path, dict(request.query), body, dict(request.headers), files)
        async with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        if request.headers.get("Authorization") != f"Bot {self.token}" and not path.startswith(("/interactions",
                                                                                                "/webhooks")):
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        expired = self._interaction_refusal(request.method, path)
        if expired is not None:
            self.answers.append((request.method, path, expired.status))
            return expired
        for canned in self._errors:
            if canned.method == request.method and canned.path.fullmatch(path):
                if canned.times is not None:
                    canned.times -= 1
                    if canned.times <= 0:
                        self._errors.remove(canned)
                return _json(canned.body, canned.status, canned.headers)
        if files and isinstance(body, dict):  # the message Discord answers with lists the files it received
            body = {**body, "_uploads": self._attachments(files)}
        answer = self._answer(request.method, path, body, dict(request.query))
        self.answers.append((request.method, path, answer.status))
        return answer

    def _interaction_refusal(self, method: str, path: str) -> web.Response | None:
        """Discord's rules for interactions: 3 s to acknowledge, once; the token works for 15 minutes."""
        callback = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if callback and callback.group(1) in self._interactions:
            state = self._interactions[callback.group(1)]
            if state["acked"]:
                return _json({"message": "Interaction has already been acknowledged.", "code": 40060}, 400)
            if self.now() - state["created"] > 3.0:
                return _json({"message": "Unknown interaction", "code": 10062}, 404)
            state["acked"] = True
            return None
        webhook = re.fullmatch(r"/webhooks/\d+/([^/]+)(/.*)?", path)
        if webhook:
            for state in self._interactions.values():
                if state["token"] == webhook.group(1) and self.now() - state["created"] > 15 * 60:
                    return _json({"message": "Invalid Webhook Token", "code": 50027}, 401)
        return None

    async def _body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        """The JSON body, and the files of a multipart request (`payload_json` plus `files[n]` parts); each
        file's metadata joins the message's `attachments`, as Discord shows it."""
        if request.content_type != "multipart/form-data":
            raw = await request.read()
            return (json.loads(raw) if raw else None), []
        payload: Any = None
        files: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":  # type: ignore[union-attr]
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            elif part.filename:  # type: ignore[union-attr]
                files.append(Upload(part.name or "", part.filename,  # type: ignore[union-attr]
                                    part.headers.get("Content-Type", ""), bytes(await part.read())))  # type: ignore[union-attr]
        return payload, files

    def _attachments(self, files: list[Upload]) -> list[dict[str, Any]]:
        return [{"id": self.new_id(), "filename": f.filename, "size": len(f.data),
                 "url": f"https://cdn.fake/{f.filename}", "proxy_url": f"https://cdn.fake/{f.filename}",
                 "content_type": f.content_type or "application/octet-stream"} for f in files]

    def uploads(self) -> list[tuple[str, Upload]]:
        """Every file received, with the path it was sent to (`/channels/ID/messages`…)."""
        return [(r.path, f) for r in self.requests for f in r.files]

    def _answer(self, method: str, path: str, body: Any, query: dict[str, str]) -> web.Response:
        bot = user(self.bot_id, "cmbot", bot=True)
        routes: list[tuple[str, str, Any]] = [
            ("GET", r"/users/@me", lambda m: bot),
            ("GET", r"/oauth2/applications/@me", lambda m: self._application(bot)),
            ("PUT", r"/applications/\d+(/guilds/\d+)?/commands", lambda m: self._commands(body)),
            ("POST", r"/channels/(\d+)/messages", lambda m: self._send(m.group(1), body, bot)),
            ("GET", r"/channels/(\d+)", lambda m: self._channel(m.group(1))),
            ("GET", r"/channels/(\d+)/messages", lambda m: self._history(m.group(1), query)),
            ("GET", r"/channels/(\d+)/messages/(\d+)", lambda m: self._one_message(m.group(1), m.group(2))),
            ("POST", r"/channels/(\d+)/polls/(\d+)/expire", lambda m: self._end_poll(m.group(1), m.group(2))),
            ("GET", r"/channels/(\d+)/polls/(\d+)/answers/(\d+)",
             lambda m: self._answer_voters(m.group(2), int(m.group(3)), query)),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", lambda m: self._stored(m.group(1), body, bot, m.group(2))),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", lambda m: {
                "id": m.group(2), "type": 11, "parent_id": m.group(1), "name": body.get("name", ""),
                "guild_id": self.guild_ids[0], "owner_id": self.bot_id, "message_count": 0, "member_count": 1,
                "rate_limit_per_user": 0, "flags": 0, "thread_metadata": {"archived": False, "locked": False,
                                                                   "auto_archive_duration": 1440,
                                                                   "archive_timestamp": _now()}}),
            ("POST", r"/users/@me/channels", lambda m: {"id": f"8{body['recipient_id']}", "type": 1,
                                                         "recipients": [user(str(body["recipient_id"]))]}),
            ("POST", r"/interactions/(\d+)/[^/]+/callback", lambda m: {
                "interaction": {"id": m.group(1), "type": 2}}),
            ("PATCH", r"/webhooks/\d+/[^/]+/messages/@original", lambda m: self._stored("700", body, bot)),
            ("POST", r"/webhooks/\d+/[^/]+", lambda m: self._stored("700", body, bot)),
            ("GET", r"/guilds/(\d+)/members/(\d+)", lambda m: self._member(m.group(2))),
            ("PATCH", r"/guilds/(\d+)/members/(\d+)", lambda m: self._member(m.group(2))),
            ("PUT", r"/guilds/(\d+)/members/(\d+)/roles/(\d+)", lambda m: self._role(m.group(2), m.group(3), True)),
            ("DELETE", r"/guilds/(\d+)/members/(\d+)/roles/(\d+)",
             lambda m: self._role(m.group(2), m.group(3), False)),
        ]
        for route_method, pattern, answer in routes:
            match = re.fullmatch(pattern, path)
            if route_method == method and match:
                result = answer(match)
                return result if isinstance(result, web.Response) else _json(result)
        if method in ("DELETE", "PUT"):
            return web.Response(status=204)
        return _json({"message": f"404: Not Found ({method} {path})", "code": 0}, 404)

    def _application(self, bot: dict[str, Any]) -> dict[str, Any]:
        return {"id": self.bot_id, "name": "cmbot", "description": "", "icon": None, "bot_public": False,
                "bot_require_code_grant": False, "owner": user("1", "owner"), "verify_key": "0" * 64,
                "flags": self.application_flags, "team": None, "rpc_origins": []}

    def _member(self, user_id: str) -> Any:
        if user_id in self.absent_members:
            return _json({"message": "Unknown Member", "code": 10007}, 404)
        return member(user_id, roles=tuple(sorted(self.member_roles.get(user_id, ()))))

    def _role(self, user_id: str, role_id: str, give: bool) -> web.Response:
        """Add Guild Member Role / Remove Guild Member Role: 204 either way, idempotent, as Discord answers."""
        if user_id in self.absent_members:
            return _json({"message": "Unknown Member", "code": 10007}, 404)
        held = self.member_roles.setdefault(user_id, set())
        if give:
            held.add(role_id)
        else:
            held.discard(role_id)
        return web.Response(status=204)

    def _commands(self, body: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": self.new_id(), "application_id": self.bot_id, "version": "1", "default_permission": True,
                 "default_member_permissions": None, "nsfw": False, "description": "", **c} for c in body]

    def _send(self, channel_id: str, body: dict[str, Any], bot: dict[str, Any]) -> Any:
        if channel_id.startswith("8") and channel_id[1:] in self.dms_closed:
            return _json({"message": "Cannot send messages to this user", "code": 50007}, 403)
        refused = self._poll_refusal(body.get("poll"))
        if refused is not None:
            return refused
        nonce = body.get("nonce") if body.get("enforce_nonce") else None
        for existing in self.channel_messages.get(channel_id, []):
            recent = self.now() - existing["_sent"] <= self.nonce_window_seconds
            if nonce is not None and existing.get("_nonce") == nonce and recent:
                return {k: v for k, v in existing.items() if not k.startswith("_")}
        stored = self._stored(channel_id, body, bot)
        stored["_nonce"] = nonce
        stored["_sent"] = self.now()
        self.channel_messages.setdefault(channel_id, []).append(stored)
        return stored

    def _stored(self, channel_id: str, body: dict[str, Any], bot: dict[str, Any], message_id: str | None = None):
        stored = self._message_body(channel_id, body, bot, message_id)
        if body.get("poll"):
            created = body["poll"]
            expiry = datetime.now(UTC).timestamp() + float(created["duration"]) * 3600
            stored["poll"] = {"question": created["question"], "allow_multiselect": created["allow_multiselect"],
                              "layout_type": created.get("layout_type", 1),
                              "answers": [{"answer_id": i + 1, "poll_media": a["poll_media"]}
                                          for i, a in enumerate(created["answers"])],
                              "expiry": datetime.fromtimestamp(expiry, UTC).isoformat(),
                              "results": {"is_finalized": False, "answer_counts": []}}
        return stored

    @staticmethod
    def _poll_refusal(poll: dict[str, Any] | None) -> web.Response | None:
        """Discord's checks on a poll being created (error 50035, Invalid Form Body)."""
        if not poll:
            return None
        hours = float(poll.get("duration", 24))
        answers = poll.get("answers", [])
        wrong = (not hours.is_integer() or not 1 <= hours <= 768 or len(poll["question"]["text"]) > 300
                 or not 1 <= len(answers) <= 10 or any(len(a["poll_media"]["text"]) > 55 for a in answers))
        return _json({"message": "Invalid Form Body", "code": 50035}, 400) if wrong else None

    def _find_message(self, message_id: str) -> dict[str, Any] | None:
        for messages in self.channel_messages.values():
            for message in messages:
                if message["id"] == message_id:
                    return message
        return None

    def _with_counts(self, message: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in message.items() if k != "_nonce"}
        if message.get("poll"):
            counts = self.poll_counts(message["id"])
            results = dict(message["poll"]["results"])
            results["answer_counts"] = [{"id": a["answer_id"], "count": counts.get(a["answer_id"], 0),
                                         "me_voted": False} for a in message["poll"]["answers"]]
            shown["poll"] = message["poll"] | {"results": results}
        return shown

    def _one_message(self, channel_id: str, message_id: str) -> Any:
        message = self._find_message(message_id)
        if message is None or message["channel_id"] != channel_id:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return self._with_counts(message)

    def _answer_voters(self, message_id: str, answer_id: int, query: dict[str, str]) -> Any:
        """Get Answer Voters: the users who chose the answer, by id, `limit` (1 to 100, 25 by default) after
        `after`, as Discord pages them."""
        if self._find_message(message_id) is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        limit = max(1, min(100, int(query.get("limit", 25))))
        after = int(query.get("after", 0))
        ids = sorted(int(v) for v in self.poll_votes.get(message_id, {}).get(answer_id, ()))
        return {"users": [user(str(i)) for i in ids if i > after][:limit]}

    def _end_poll(self, channel_id: str, message_id: str) -> Any:
        message = self._find_message(message_id)
        if message is None or message["channel_id"] != channel_id:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if not message.get("poll"):
            return _json({"message": "Cannot expire a non-poll message", "code": 520006}, 400)
        if message["poll"]["results"]["is_finalized"]:
            return _json({"message": "Poll expired", "code": 520001}, 400)
        message["poll"]["results"] = {"is_finalized": True, "answer_counts": []}
        message["poll"]["expiry"] = _now()
        ended = self._with_counts(message)
        self._post_poll_result(ended)
        return ended

    def _post_poll_result(self, poll_message: dict[str, Any]) -> None:
        """What Discord does when a poll ends: its own "poll results" message (type 46) in the channel, replying to
        the poll, with the question, the winning answer and the votes."""
        counts = {c["id"]: c["count"] for c in poll_message["poll"]["results"]["answer_counts"]}
        answers = poll_message["poll"]["answers"]
        best = max(answers, key=lambda a: counts.get(a["answer_id"], 0))
        fields = [{"name": "poll_question_text", "value": poll_message["poll"]["question"]["text"]},
                  {"name": "victor_answer_text", "value": best["poll_media"]["text"]},
                  {"name": "victor_answer_votes", "value": str(counts.get(best["answer_id"], 0))},
                  {"name": "total_votes", "value": str(sum(counts.values()))}]
        result = {**self._message_body(poll_message["channel_id"], {}, poll_message["author"], None), "type": 46,
                  "message_reference": {"message_id": poll_message["id"], "channel_id": poll_message["channel_id"]},
                  "embeds": [{"type": "poll_result", "fields": fields}]}
        self.channel_messages.setdefault(poll_message["channel_id"], []).append(result)

    def _message_body(self, channel_id: str, body: dict[str, Any], bot: dict[str, Any], message_id: str | None):
        return {"id": message_id or self.new_id(), "channel_id": channel_id, "author": bot,
                "content": body.get("content") or "", "timestamp": _now(), "edited_timestamp": None, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [],
                "attachments": body.get("_uploads") or [],
                "embeds": body.get("embeds") or [], "pinned": False, "type": 0,
                "components": body.get("components") or [], "flags": body.get("flags", 0)}

    def _history(self, channel_id: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """Newest first, at most `limit` (1 to 100, 50 by default), around / before / after a message id."""
        limit = max(1, min(100, int(query.get("limit", 50))))
        newest_first = sorted(self.channel_messages.get(channel_id, []), key=lambda m: int(m["id"]), reverse=True)
        if "around" in query:
            pivot = int(query["around"])
            older = [m for m in newest_first if int(m["id"]) <= pivot][:limit - limit // 2]
            newer = [m for m in newest_first if int(m["id"]) > pivot][-(limit // 2):] if limit // 2 else []
            kept = newer + older
        elif "before" in query:
            kept = [m for m in newest_first if int(m["id"]) < int(query["before"])][:limit]
        elif "after" in query:
            kept = [m for m in newest_first if int(m["id"]) > int(query["after"])][-limit:]
        else:
            kept = newest_first[:limit]
        return [{k: v for k, v in m.items() if not k.startswith("_")} for m in kept]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py reads a body as JSON only when Content-Type is exactly application/json (no charset)."""
    headers = {"Content-Type": JSON, **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
