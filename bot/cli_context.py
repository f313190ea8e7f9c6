"""What every CLI command may need: the config path chosen on the command line, loaded on demand.

Subcommands (including each feature's own CLI group) read `click.get_current_context().obj`, a `CliContext`,
and call `settings()` / `open_store()`; a broken config exits with status 2 and the list of problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import click

from config.loader import ConfigError, load_settings, resolve_config_path
from config.settings import Secrets, Settings

EXIT_CONFIG = 2


@dataclass
class CliContext:
    config_path: Path | None = None
    _loaded: dict[str, object] = field(default_factory=dict)

    def settings(self) -> Settings:
        try:
            return load_settings(resolve_config_path(self.config_path))
        except ConfigError as error:
            click.echo(error.report(), err=True)
            raise SystemExit(EXIT_CONFIG) from None

    @cached_property
    def secrets(self) -> Secrets:
        return Secrets()

    def open_store(self):
        """The store at the configured path, with every migration applied."""
        from bot.app import open_store_for

        return open_store_for(self.settings())


def cli_context() -> CliContext:
    ctx = click.get_current_context()
    obj = ctx.find_object(CliContext)
    if obj is None:
        obj = ctx.ensure_object(CliContext)
    return obj
