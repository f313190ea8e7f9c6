"""A DEBUG capture of every log record, through the same redacting filter as `cmbot run` uses."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

from bot.logs import RedactSecrets


@contextlib.contextmanager
def debug_log(secrets: tuple[str, ...] = (), loggers: tuple[str, ...] = ("discord", "slack_bolt", "slack_sdk",
                                                                          "aiohttp", "bot")) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", *loggers)}
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
