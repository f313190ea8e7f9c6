"""Tokens never reach a log line, whatever logger writes it."""

from __future__ import annotations

import io
import logging
import sys
import threading

from bot.logs import MASK, RedactSecrets, configure_logging, redact

DISCORD_SHAPED = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"
SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP = "xapp-1-A0123456789-1234567890123-abcdef0123456789"


def test_token_shapes_are_masked():
    line = f"login with {DISCORD_SHAPED} then {SLACK_BOT} and {SLACK_APP}; Authorization: Bot secretvalue"
    cleaned = redact(line)
    for secret in (DISCORD_SHAPED, SLACK_BOT, SLACK_APP, "secretvalue"):
        assert secret not in cleaned
    assert cleaned.count(MASK) == 4


def test_exact_secret_values_are_masked_even_when_oddly_shaped():
    assert redact("signing with s3cr3t-signing-value", ["s3cr3t-signing-value"]) == f"signing with {MASK}"


def test_the_filter_covers_arguments_exceptions_and_library_loggers():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(["s3cr3t-signing-value"]))
    logger = logging.getLogger("discord.http")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("token %s rejected", DISCORD_SHAPED)
        try:
            raise RuntimeError(f"bad {SLACK_BOT} and s3cr3t-signing-value")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    output = stream.getvalue()
    assert DISCORD_SHAPED not in output and SLACK_BOT not in output and "s3cr3t" not in output
    assert "token [redacted] rejected" in output and "RuntimeError" in output


def test_an_uncaught_exception_is_logged_through_the_filter_in_any_thread():
    import subprocess
    import sys

    script = (
        "import threading\n"
        "from bot.logs import configure_logging\n"
        "configure_logging('INFO', ['s3cr3t-signing-value'])\n"
        f"token = '{SLACK_BOT}'\n"
        "t = threading.Thread(target=lambda: (_ for _ in ()).throw(RuntimeError('thread ' + token)))\n"
        "t.start(); t.join()\n"
        "raise RuntimeError('main ' + token + ' s3cr3t-signing-value https://hooks.slack.com/commands/T1/2/abc')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert SLACK_BOT not in done.stderr and "s3cr3t" not in done.stderr and "/2/abc" not in done.stderr
    assert "RuntimeError: thread [redacted]" in done.stderr
    assert "RuntimeError: main [redacted] [redacted]" in done.stderr


def test_libraries_chatty_at_info_are_kept_to_their_warnings():
    """A newcomer's console run shows cmbot's own lines, not a plotting library's first-run notice."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_hooks = sys.excepthook, threading.excepthook
    libraries = ("matplotlib", "apscheduler", "discord.client")
    saved_library_levels = {name: logging.getLogger(name).level for name in libraries}
    try:
        configure_logging("INFO")
        for name in libraries:
            assert not logging.getLogger(f"{name}.sub").isEnabledFor(logging.INFO), name
            assert logging.getLogger(f"{name}.sub").isEnabledFor(logging.WARNING), name
        assert logging.getLogger("bot.app").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        sys.excepthook, threading.excepthook = saved_hooks
        for name, level in saved_library_levels.items():
            logging.getLogger(name).setLevel(level)
