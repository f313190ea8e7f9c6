"""Slack over HTTP: every request is checked on its raw bytes before anything parses it.

In order, and each refusal is one log line with the reason and the sender's address, never the body:
1. size: more than `MAX_BODY` bytes gets 413 (Slack's own payloads stay far below), and a body that is not
   UTF-8 gets 400;
2. timestamp: `X-Slack-Request-Timestamp` must be an integer within five minutes of now, else 401;
3. signature: `X-Slack-Signature` must be Slack's HMAC-SHA256 of `v0:timestamp:body` with the signing secret,
   else 401 (compared in constant time by slack-sdk's `SignatureVerifier`);
4. replay: a signed request seen before (same signature) changes nothing and gets an empty 200;
5. shape: the body must be JSON (an object) or a form (whose `payload` field, when present, is a
   JSON object), as the content type says, else 400.
Only then does slack-bolt see the request (`AsyncApp.async_dispatch`), so malformed input never reaches a
listener and never produces a traceback. slack-bolt's own verification logger, which prints rejected bodies
(with their verification token and `response_url`), is silenced by `quiet_bolt_verification`.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024
MAX_AGE = 5 * 60  # seconds: Slack's own advice for refusing stale requests
BOLT_VERIFICATION_LOGGERS = ("slack_bolt.AsyncRequestVerification", "slack_bolt.RequestVerification")


class _DropRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def quiet_bolt_verification() -> None:
    """slack-bolt logs a rejected request's whole body at INFO: drop those records, whatever the log level."""
    for name in BOLT_VERIFICATION_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropRecords) for f in logger.filters):
            logger.addFilter(_DropRecords())


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ReplayGuard:
    """Signatures of requests already handled within the freshness window (a stale one is refused anyway)."""

    def __init__(self, clock: Callable[[], float] = time.time, limit: int = 100_000) -> None:
        self.clock = clock
        self.limit = limit
        self._seen: OrderedDict[str, float] = OrderedDict()

    def seen(self, signature: str) -> bool:
        return signature in self._seen

    def remember(self, signature: str) -> None:
        now = self.clock()
        self._seen[signature] = now
        while self._seen and (len(self._seen) > self.limit or next(iter(self._seen.values())) < now - 2 * MAX_AGE):
            self._seen.popitem(last=False)


class SlackHttpGate:
    """The aiohttp handler in front of the Bolt app."""

    def __init__(self, app: AsyncApp, signing_secret: str, clock: Callable[[], float] = time.time,
                 max_body: int = MAX_BODY) -> None:
        self.app = app
        self.clock = clock
        self.max_body = max_body
        self.verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))  # type: ignore[arg-type]
        self.replays = ReplayGuard(clock)
        quiet_bolt_verification()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            raw = await self._read(request)
            signature = self._verify(request, raw)
            if self.replays.seen(signature):
                log.info("Slack HTTP: a request already handled came again from %s: ignored", request.remote)
                return web.Response(status=200)
            body = self._check_shape(request, raw)
        except Refused as refused:
            log.warning("Slack HTTP: refused a request from %s with %d: %s", request.remote, refused.status,
                        refused.reason)
            return web.Response(status=refused.status, text=refused.reason)
        response = await self.app.async_dispatch(
            AsyncBoltRequest(body=body, query=request.query_string, headers=_headers(request)))
        if 200 <= response.status < 300:
            self.replays.remember(signature)
        return await to_aiohttp_response(response)

    async def _read(self, request: web.Request) -> bytes:
        if request.content_length is not None and request.content_length > self.max_body:
            raise Refused(413, f"body over {self.max_body} bytes")
        raw = await request.content.read(self.max_body + 1)
        if len(raw) > self.max_body:
            raise Refused(413, f"body over {self.max_body} bytes")
        return raw

    def _verify(self, request: web.Request, raw: bytes) -> str:
        try:
            raw.decode("utf-8")  # Slack signs UTF-8 text; slack-sdk's verifier would raise on anything else
        except UnicodeDecodeError:
            raise Refused(400, "body is not UTF-8") from None
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not (stamp.isascii() and stamp.isdigit()):
            raise Refused(401, "missing or non-numeric timestamp")
        if abs(self.clock() - int(stamp)) > MAX_AGE:
            raise Refused(401, "stale timestamp")
        if not signature or not self.verifier.is_valid(raw, stamp, signature):
            raise Refused(401, "bad signature")
        return signature

    def _check_shape(self, request: web.Request, raw: bytes) -> str:
        text = raw.decode("utf-8")
        if request.content_type == "application/json":
            if not isinstance(_json(text), dict):
                raise Refused(400, "body is not a JSON object")
        elif request.content_type == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True)
            if "payload" in form and not isinstance(_json(form["payload"][0]), dict):
                raise Refused(400, "interactive payload is not a JSON object")
            if "payload" not in form and "command" not in form and "ssl_check" not in form:
                raise Refused(400, "form is neither a command nor an interactive payload")
        else:
            raise Refused(415, f"unexpected content type {request.content_type!r}")
        return text


class _Clock:
    """slack-sdk's verifier asks a clock object for `now()`: ours, so tests can move time."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _headers(request: web.Request) -> dict[str, str | Sequence[str]]:
    headers: dict[str, list[str]] = {}
    for key, value in request.headers.items():
        headers.setdefault(key.lower(), []).append(value)
    return dict(headers)
