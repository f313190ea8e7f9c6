"""Logging set-up, with a filter that keeps Discord and Slack secrets out of every log line.

The filter sits on the handler, so it also covers the records of discord.py, slack-sdk and aiohttp. It masks
the exact values of the secrets we were given (the signing secret included) and anything shaped like a
credential, whoever logs it:
- Discord bot tokens, and the interaction tokens inside webhook and interaction-callback URLs
  (`/webhooks/<app id>/<token>`, `/interactions/<id>/<token>/callback`, which discord.py logs at DEBUG) and
  interaction tokens on their own (they start with the base64 of "interaction");
- Slack tokens of every kind (`xoxb-`, `xoxp-`, `xoxa-`, `xoxe-`, `xoxe.xoxp-` refresh tokens, `xapp-`) and
  response URLs (`hooks.slack.com/commands|actions|services/…`: whoever holds one can post as the app);
- `Authorization: Bot|Bearer …` headers in debug dumps.
Uncaught exceptions, in the main thread, other threads and asyncio tasks, are logged through the same
handler, so their tracebacks are redacted too.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

MASK = "[redacted]"
TOKEN_SHAPES = (
    re.compile(r"\b[MNO][A-Za-z\d_-]{22,27}\.[A-Za-z\d_-]{5,7}\.[A-Za-z\d_-]{25,45}\b"),  # Discord bot token
    re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/\s?#'\"]+"),  # Discord webhook / interaction callback URLs
    re.compile(r"\baW50ZXJhY3Rpb246[A-Za-z0-9_.:-]{8,}"),  # Discord interaction token ("interaction:" in base64)
    re.compile(r"\bxox[abposre](?:\.xox[a-z])?-[A-Za-z0-9-]{8,}"),  # Slack bot/user/refresh tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{8,}"),  # Slack app-level token
    re.compile(r"(/(?:commands|actions|services)/T[A-Z0-9]+/)[^\s?#'\"]+"),  # Slack response URLs and webhooks
    re.compile(r"(?i)(authorization:?\s*(?:bot|bearer)\s+)\S+"),  # auth headers in debug dumps
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if len(secret) >= 8:
            text = text.replace(secret, MASK)
    for shape in TOKEN_SHAPES:
        text = shape.sub(lambda m: (m.group(1) if m.re.groups else "") + MASK, text)
    return text


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level`, through the redaction filter. Safe to call more than once."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_cmbot", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._cmbot = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    handler.addFilter(_no_voice_warnings)
    root.addHandler(handler)
    root.setLevel(level)
    _log_uncaught_exceptions()
    # the libraries are chatty at INFO; keep their warnings
    for noisy in ("discord.gateway", "discord.client", "apscheduler", "aiohttp.access", "matplotlib"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))


def _no_voice_warnings(record: logging.LogRecord) -> bool:
    """discord.py warns at every start that voice libraries are missing: cmbot never uses voice."""
    return not (record.name == "discord.client" and "voice will NOT be supported" in record.getMessage())


def _log_uncaught_exceptions() -> None:
    """Route what Python would print raw (an uncaught exception, in any thread) through the redacting handler."""
    uncaught = logging.getLogger("cmbot.uncaught")

    def main_hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        uncaught.critical("uncaught exception", exc_info=(kind, error, trace))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        where = args.thread.name if args.thread is not None else "a thread"
        uncaught.critical("uncaught exception in %s", where, exc_info=(args.exc_type, args.exc_value,
                                                                        args.exc_traceback))

    sys.excepthook = main_hook
    threading.excepthook = thread_hook
