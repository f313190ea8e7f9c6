"""`cmbot run`: choose the platforms, build the app around the right clock, run until stopped.

The console platform runs alone, on a simulated clock that moves with `clock` lines; Discord and Slack run
together on the real clock with APScheduler. With no platform named, every platform whose credentials are in
the environment runs, and the console when there are none.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from bot.app import App, run_until_stopped
from bot.clock import Clock, SimulatedClock, SystemClock
from bot.events import PlatformName
from bot.exit_status import ExitStatus
from bot.features import shipped_features
from bot.platform import FatalPlatformError, Platform
from bot.platforms.console import ConsolePlatform
from bot.platforms.console.world import saved_clock
from bot.store import Store
from bot.store.database import BUSY_TIMEOUT_MS, StoreUnavailable, is_busy, patience_from_environment, unusable
from bot.wakeups import SchedulerWakeups, SteppedWakeups, Wakeups
from config.settings import Secrets, Settings

log = logging.getLogger(__name__)


class RunError(Exception):
    """The run cannot start as asked; `exit_status` says why (2: configuration)."""

    def __init__(self, message: str, exit_status: int = ExitStatus.USAGE) -> None:
        super().__init__(message)
        self.exit_status = exit_status


@dataclass(frozen=True)
class RunOptions:
    platforms: tuple[PlatformName, ...] = ()
    slack_http_port: int | None = None
    slack_http_host: str = "0.0.0.0"
    start_at: datetime | None = None


def choose_platforms(requested: tuple[PlatformName, ...], secrets: Secrets) -> tuple[PlatformName, ...]:
    if requested:
        chosen = tuple(dict.fromkeys(requested))
    else:
        found = []
        if secrets.has_discord:
            found.append(PlatformName.DISCORD)
        if secrets.has_slack:
            found.append(PlatformName.SLACK)
        chosen = tuple(found) or (PlatformName.CONSOLE,)
    if PlatformName.CONSOLE in chosen and len(chosen) > 1:
        raise RunError("the console platform runs alone: drop --platform console or the other platforms")
    if PlatformName.DISCORD in chosen and not secrets.has_discord:
        raise RunError("--platform discord needs the DISCORD_TOKEN environment variable")
    if PlatformName.SLACK in chosen and secrets.SLACK_BOT_TOKEN is None:
        raise RunError("--platform slack needs the SLACK_BOT_TOKEN environment variable")
    return chosen


def _console_space(settings: Settings, source: str) -> tuple[str, str]:
    for community in settings.communities:
        if community.console is not None:
            return community.console.space_id, community.timezone
    raise RunError(f"{source}: key 'communities[].console': no community has a [console] section to simulate")


def run(settings: Settings, secrets: Secrets, options: RunOptions, config_source: str) -> int:
    chosen = choose_platforms(options.platforms, secrets)
    if PlatformName.CONSOLE in chosen:
        space_id, timezone_name = _console_space(settings, config_source)
        return asyncio.run(_run_console(settings, options, space_id, timezone_name))
    return asyncio.run(_run_live(settings, secrets, options, chosen))


async def _run_console(settings: Settings, options: RunOptions, space_id: str, timezone_name: str) -> int:
    clock = SimulatedClock(options.start_at or _saved_console_clock(settings.bot.database))
    locale = next(c.locale for c in settings.communities if c.console is not None and c.console.space_id == space_id)
    wakeups = SteppedWakeups(clock)
    app = _open_app(settings, clock, wakeups)
    console = ConsolePlatform(
        space_id=space_id,
        clock=clock,
        commands=app.services.commands,
        on_clock_moved=wakeups.run_due,
        timezone_name=timezone_name,
        advance_clock=wakeups.advance_to,
        store=app.services.store,
        locale=locale,
        files_dir=Path(settings.bot.database).expanduser().parent / "exports",
    )
    app.attach([console])
    try:
        await run_until_stopped(app, console.done)
    except (FatalPlatformError, StoreUnavailable) as error:
        return _stopped_by(app, error)
    return 0


def _saved_console_clock(database: Path) -> datetime | None:
    """Where the console's simulated clock stood at its last save: without --start-at, a restart goes on there."""
    if not Path(database).exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return saved_clock(sqlite_utils.Database(conn))
        finally:
            conn.close()
    except (sqlite3.Error, ValueError):
        return None  # unreadable here: opening the store says why, with the right exit status


def _open_app(settings: Settings, clock: Clock, wakeups: Wakeups) -> App:
    """The app on its store, migrations applied. A lock held by another process is waited out with backoff for
    the store's patience, as at run time; past it, or when the database cannot be used, `StoreUnavailable`."""
    patience = patience_from_environment()
    deadline = time.monotonic() + patience
    backoff = 0.05
    while True:
        store: Store | None = None
        try:
            store = Store.open(settings.bot.database, patience)
            return App(settings, store, clock, wakeups, shipped_features())
        except sqlite3.Error as error:
            if store is not None:
                store.close()
            if is_busy(error) and time.monotonic() + backoff < deadline:
                log.warning("the database is locked by another process; waiting (up to %g s)", patience)
                time.sleep(backoff)  # start-up: nothing else runs on the loop yet
                backoff = min(backoff * 2, 2.0)
                continue
            failure = unusable(error, f"cannot start on the database {settings.bot.database}")
            if failure is None:
                raise
            raise failure from error


def _stopped_by(app: App, error: FatalPlatformError | StoreUnavailable) -> int:
    """The exit status of a fatal error, logged once (the app already logged the ones it stopped on)."""
    if app.fatal is not error:
        log.error("cmbot is stopping: %s", error)
    return error.exit_status


def _live_platforms(
    app: App, secrets: Secrets, options: RunOptions, chosen: tuple[PlatformName, ...]
) -> list[Platform]:
    services = app.services
    platforms: list[Platform] = []
    if PlatformName.DISCORD in chosen:
        from bot.platforms.discord import DiscordPlatform

        assert secrets.DISCORD_TOKEN is not None
        platforms.append(
            DiscordPlatform(
                token=secrets.DISCORD_TOKEN.get_secret_value(),
                settings=services.settings,
                commands=services.commands,
                catalogue=services.catalogue,
                api_base=services.settings.bot.endpoints.discord_api,
                gateway_url=services.settings.bot.endpoints.discord_gateway,
            )
        )
    if PlatformName.SLACK in chosen:
        from bot.platforms.slack import SlackPlatform

        assert secrets.SLACK_BOT_TOKEN is not None

        def secret(value) -> str | None:
            return value.get_secret_value() if value is not None else None

        platforms.append(
            SlackPlatform(
                bot_token=secrets.SLACK_BOT_TOKEN.get_secret_value(),
                app_token=secret(secrets.SLACK_APP_TOKEN),
                signing_secret=secret(secrets.SLACK_SIGNING_SECRET),
                settings=services.settings,
                commands=services.commands,
                catalogue=services.catalogue,
                http_port=options.slack_http_port,
                http_host=options.slack_http_host,
                api_base=services.settings.bot.endpoints.slack_api,
            )
        )
    return platforms


async def _run_live(settings: Settings, secrets: Secrets, options: RunOptions, chosen: tuple[PlatformName, ...]) -> int:
    app = _open_app(settings, SystemClock(), SchedulerWakeups())
    app.attach(_live_platforms(app, secrets, options, chosen))
    try:
        await run_until_stopped(app, asyncio.Event())
    except (FatalPlatformError, StoreUnavailable) as error:
        return _stopped_by(app, error)
    return 0
