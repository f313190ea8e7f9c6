"""One HTTP request to an analytics API, with the failures sorted the way the daily pull needs them.

A refused token is permanent (retrying tomorrow with the same token fails the same way: the SMM must act); a
429 waits for the `Retry-After` the server gave, a 5xx or a network error waits a growing delay, each a few
times only, then the pull gives up until its next run. Waiting goes through an injected `sleep`, so tests
count the waits instead of spending them. Tokens are sent in headers or bodies, never in a URL that a proxy or
a log could keep, and never appear in an error message.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
ATTEMPTS = 4
BACKOFF_SECONDS = (5.0, 30.0, 120.0)
MAX_RETRY_AFTER = 300.0
TIMEOUT = aiohttp.ClientTimeout(total=60)


class PullError(Exception):
    """A pull that failed. `kind`: auth (token refused), rate_limited, server, network, response (an answer we
    cannot read) or request (the API refused the query itself, e.g. an unknown site).

    `code` (a key under `traffic.pull` in the catalogues, `kind` unless more precise) and `values` let the CLI
    say it in the community's language; the message is the English wording, for logs. `detail` values are the
    service's own words (its error text), shown as they came."""

    def __init__(self, kind: str, message: str, code: str | None = None, **values: str | int) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code or kind
        self.values = values

    @property
    def permanent(self) -> bool:
        return self.kind in ("auth", "request")


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: Mapping[str, str]
    json_body: object | None = None
    form: Mapping[str, str] | None = None


def _retry_after(response: aiohttp.ClientResponse) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error_text(body: str) -> str:
    """The API's own explanation, short, for the log and the CLI (never the request, which holds the token)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body.strip()[:200]
    if isinstance(parsed, dict):
        for key in ("error", "message"):
            if isinstance(parsed.get(key), str):
                return parsed[key][:200]
    return body.strip()[:200]


async def send(session: aiohttp.ClientSession, request: Request, service: str, sleep: Sleep = asyncio.sleep
               ) -> Any:
    """The JSON answer of `request`; retried on 429, 5xx and network errors, `PullError` when it gives up."""
    last: PullError | None = None
    for attempt in range(ATTEMPTS):
        wait: float | None = None
        try:
            async with session.request(request.method, request.url, headers=dict(request.headers),
                                       json=request.json_body, data=request.form, timeout=TIMEOUT) as response:
                body = await response.text()
                status = response.status
                if status in (401, 403):
                    raise PullError("auth", f"{service} refused the API token ({status}: {_error_text(body)})",
                                    service=service, detail=f"{status}: {_error_text(body)}")
                if status == 429:
                    retry_after = _retry_after(response)
                    last = PullError("rate_limited", f"{service} rate limit (429): {_error_text(body)}",
                                     service=service, detail=_error_text(body))
                    wait = min(retry_after if retry_after is not None else BACKOFF_SECONDS[0], MAX_RETRY_AFTER)
                elif status >= 500:
                    last = PullError("server", f"{service} server error {status}: {_error_text(body)}",
                                     service=service, detail=f"{status}: {_error_text(body)}")
                elif status >= 400:
                    raise PullError("request", f"{service} refused the query ({status}: {_error_text(body)})",
                                    service=service, detail=f"{status}: {_error_text(body)}")
                else:
                    try:
                        return json.loads(body)
                    except ValueError:
                        raise PullError("response", f"{service} answered {status} with something that is not "
                                                    "JSON: is the base URL right?", "not_json", service=service,
                                        status=status) from None
        except aiohttp.ClientError as error:
            last = PullError("network", f"{service} unreachable: {type(error).__name__}", service=service,
                             detail=type(error).__name__)
        except TimeoutError:
            last = PullError("network", f"{service} did not answer within {TIMEOUT.total:.0f} s", "timeout",
                             service=service, seconds=round(TIMEOUT.total or 0))
        if attempt == ATTEMPTS - 1:
            break
        delay = wait if wait is not None else BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
        log.info("%s; trying again in %.0f s", last, delay)
        await sleep(delay)
    assert last is not None
    raise last
