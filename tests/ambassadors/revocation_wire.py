"""What the wire tests of role revocations share, whatever the platform: a configuration file with one ambassador
appointed, a bot started on it with a simulated clock (the platform handed in), and the admin's forget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from bot.app import App
from bot.cli_context import CliContext
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platform import Platform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from bot.wiring import migrate
from config.loader import parse_settings
from config.settings import Settings
from handlers.ambassadors import records, revocations
from handlers.privacy.cli import privacy_cli
from tests.ambassadors.wire import NOW

MakePlatform = Callable[[Settings, App], Platform]


def write_config(folder: Path, toml: str, community: str, account: tuple[str, str], by: tuple[str, str]) -> Path:
    """`toml` (with `{db}` for the database) written in `folder`, the database migrated, `account` appointed."""
    path = folder / "cmbot.toml"
    path.write_text(toml.format(db=folder / "cmbot.db"), encoding="utf-8")
    settings = parse_settings(path.read_text(encoding="utf-8"), str(path))
    store = Store.open(settings.bot.database)
    migrate(store, shipped_features())
    records.appoint(store.db, community, [account], by, NOW)
    store.close()
    return path


class Running:
    def __init__(self, app: App, wakeups: SteppedWakeups, clock: SimulatedClock) -> None:
        self.app, self.wakeups, self.clock = app, wakeups, clock

    async def advance(self, delta: timedelta) -> None:
        await self.wakeups.advance_to(self.clock.now() + delta)

    def pending(self) -> list[revocations.Revocation]:
        return revocations.pending(self.app.services.store.db)


async def start(config: Path, platform: MakePlatform, at=NOW) -> Running:
    settings = parse_settings(config.read_text(encoding="utf-8"), str(config))
    clock = SimulatedClock(at)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(settings.bot.database), clock, wakeups, shipped_features())
    app.attach([platform(settings, app)])
    await app.start()
    return Running(app, wakeups, clock)


def cli_forget(config: Path, account: str) -> Result:
    context = CliContext(config_path=config, features=shipped_features)
    return CliRunner().invoke(privacy_cli, ["forget", account, "--yes"], obj=context)
