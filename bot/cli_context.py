"""What every CLI command may need: the config path chosen on the command line, loaded on demand.

Subcommands (including each feature's own CLI group) read `click.get_current_context().obj`, a `CliContext`,
and call `settings()` / `open_store()`; a broken config exits with status 2 and the list of problems. The
shipped features are handed in by the root command, so that the core never imports a feature, and are
imported only by the commands that open the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.exit_status import ExitStatus

if TYPE_CHECKING:
    from bot.store import Store
    from bot.wiring import Feature
    from config.settings import Community, Secrets, Settings


def _no_features() -> Sequence[Feature]:
    return ()


@dataclass
class CliContext:
    config_path: Path | None = None
    features: Callable[[], Sequence[Feature]] = _no_features

    def settings(self) -> Settings:
        from config.loader import ConfigError, load_settings, resolve_config_path

        try:
            return load_settings(resolve_config_path(self.config_path))
        except ConfigError as error:
            click.echo(error.report(), err=True)
            raise SystemExit(ExitStatus.USAGE) from None

    @cached_property
    def secrets(self) -> Secrets:
        from config.settings import Secrets

        return Secrets()

    def open_store(self) -> Store:
        """The store at the configured path, with every feature's migration applied."""
        from bot.wiring import open_store_for

        return open_store_for(self.settings(), self.features())


def cli_context() -> CliContext:
    ctx = click.get_current_context()
    obj = ctx.find_object(CliContext)
    if obj is None:
        obj = ctx.ensure_object(CliContext)
    return obj


def choose_community(settings: Settings, community_id: str | None) -> Community:
    """The community a command is about: the one named, or the only one in the config."""
    communities = {c.id: c for c in settings.communities}
    if community_id is None:
        if len(communities) != 1:
            raise click.UsageError(f"several communities: choose one with --community ({', '.join(communities)})")
        return settings.communities[0]
    if community_id not in communities:
        raise click.UsageError(f"no community {community_id!r} (known: {', '.join(communities)})")
    return communities[community_id]
