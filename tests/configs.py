"""Configuration files the tests start a bot with, written once: a community as the tests need it on one
platform, with the database path (and any channel) filled in by the caller."""

from __future__ import annotations

from pathlib import Path

_CONSOLE_EN = """
[bot]
database = "{db}"
log_level = "INFO"

[[communities]]
id = "demo"
name = "Demo"
locale = "en"
timezone = "Europe/Paris"

[communities.console]
space_id = "console"
channels = {{ moderation = "moderation", strategy = "strategy" }}
roles = {{ smm = ["smm"], cm = ["cm"] }}
"""

_DISCORD_EN = """
[bot]
database = "{db}"

[[communities]]
id = "brand"
name = "Brand"
locale = "en"

[communities.discord]
space_id = "100"
channels = {{ strategy = "{strategy}" }}
"""


def demo_on_console(db: Path) -> str:
    """One English community on the console, logging at INFO (the crash tests read the bot's log lines), with
    moderation and strategy channels and the roles `smm` and `cm`."""
    return _CONSOLE_EN.format(db=db)


def brand_on_discord(db: Path, strategy: str = "8") -> str:
    """One English community on the Discord fake's guild 100, its strategy channel named."""
    return _DISCORD_EN.format(db=db, strategy=strategy)
