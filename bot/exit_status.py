"""Every exit status `cmbot` can end with, in one place, so scripts and service managers can rely on them.

Click's own usage errors (an unknown option, a missing argument) exit with 2 as well: to a caller, a bad
configuration and a bad command line are the same kind of mistake, fixed by the person who launched the bot.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    FAILED = 1  # the operation was attempted and failed (a download, an import, a training run)
    USAGE = 2  # bad configuration or bad usage: nothing was attempted
    DISCORD_REFUSED = 3  # Discord refused us for good (bad token, disallowed intents)
    SLACK_REFUSED = 4  # Slack refused us for good, or Socket Mode never connected
    STORE_UNUSABLE = 5  # the database cannot be used: locked too long by another process, disk full, damaged
