"""Logging set-up, with a filter that keeps Discord and Slack secrets out of every log line.

The filter sits on the handler, so it also covers the records of discord.py, slack-sdk and aiohttp. It masks
anything shaped like a Discord bot token or a Slack token, and the exact values of the secrets we were given.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

MASK = "[redacted]"
TOKEN_SHAPES = (
    re.compile(r"\b[MNO][A-Za-z\d_-]{22,27}\.[A-Za-z\d_-]{5,7}\.[A-Za-z\d_-]{25,45}\b"),  # Discord bot token
    re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{8,}"),  # Slack bot/user/refresh tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{8,}"),  # Slack app-level token
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
    root.addHandler(handler)
    root.setLevel(level)
    # the libraries are chatty at INFO; keep their warnings
    for noisy in ("discord.gateway", "discord.client", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
