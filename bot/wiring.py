"""How a feature plugs into the app: its tables, its handlers, its commands, its clock jobs.

Each feature's front door (`bot/features/<name>.py`) exposes one `Feature` value. At start-up the app applies
every feature's migrations, then calls `install(services)`, where the feature subscribes handlers, adds commands
and registers clock jobs and start/stop hooks. Wiring happens there, once; handlers themselves only receive
events. The feature's `cmbot` command group is listed apart (`bot.features.COMMAND_GROUPS`) so that the command
line starts without importing any feature.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.personal_data import ForgetStep, PersonalData

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

    from bot.services import Services
    from bot.store import Store
    from config.settings import Settings


@dataclass(frozen=True)
class Feature:
    name: str
    migrations: Migrations | None = None
    install: Callable[[Services], object] | None = None
    personal_data: tuple[PersonalData, ...] = ()
    forget_steps: tuple[ForgetStep, ...] = ()  # written with a forget-me, in its transaction (see ForgetStep)


def migrate(store: Store, features: Sequence[Feature]) -> list[str]:
    """Apply the core's and every feature's pending migrations; returns what was applied now."""
    from bot.store.migrations import apply_all

    return apply_all(store.db, [f.migrations for f in features if f.migrations is not None])


def open_store_for(settings: Settings, features: Sequence[Feature]) -> Store:
    """The store at the configured path, with every migration of `features` applied (for the CLI)."""
    from bot.store import Store

    store = Store.open(settings.bot.database)
    migrate(store, features)
    return store
