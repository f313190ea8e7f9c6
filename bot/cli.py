"""The `cmbot` command line. Every command has help text (a test walks the tree to make sure).

It starts in a blink: this module imports click and little else, each feature's command group is imported
only when it is listed or used (`bot.features.COMMAND_GROUPS`), and settings, the store and the platform
libraries only inside the command that needs them. Exit statuses are listed in `bot.exit_status`.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from importlib import import_module
from pathlib import Path

import click

from bot import __version__
from bot.cli_context import CliContext, cli_context
from bot.exit_status import ExitStatus
from bot.features import COMMAND_GROUPS, shipped_features

PLATFORM_NAMES = ("discord", "slack", "console")  # `bot.events.PlatformName`, without importing it (a test checks)
CONFIG_OPTION_HELP = "TOML config file (default: $CMBOT_CONFIG, else ./cmbot.toml, else the embedded demo)"


class FeatureCommands(click.Group):
    """The root group: its own commands, plus each feature's group imported on first use (or listing)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_GROUPS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMAND_GROUPS:
            module_name, attribute = COMMAND_GROUPS[cmd_name].split(":")
            command = getattr(import_module(module_name), attribute)
        return command


@click.group(cls=FeatureCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cmbot")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """cmbot: the community manager's assistant and the social media manager's instrument, on Discord and
    Slack (and the console, for trying it out)."""
    ctx.obj = CliContext(config_path=config_path, features=shipped_features)


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_OPTION_HELP)
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    type=click.Choice(PLATFORM_NAMES),
    help="platform to run (repeatable); default: those with credentials in the environment, else console",
)
@click.option("--slack-http", "slack_http", type=click.IntRange(1, 65535), help="serve Slack over HTTP on PORT")
@click.option("--slack-http-host", "slack_http_host", default="0.0.0.0", show_default=True,
              help="the address the Slack HTTP endpoint listens on (127.0.0.1 behind a local reverse proxy)")
@click.option("--start-at", "start_at", help="console only: where the simulated clock starts (ISO 8601)")
def run(
    config_path: Path | None,
    platforms: tuple[str, ...],
    slack_http: int | None,
    slack_http_host: str,
    start_at: str | None,
) -> None:
    """Run the bot until Ctrl-C (or, on the console, until the end of the input)."""
    from bot.events import PlatformName
    from bot.logs import configure_logging
    from bot.runner import RunError, RunOptions
    from bot.runner import run as run_bot
    from bot.store.database import StoreUnavailable
    from config.loader import feature_check, resolve_config_path

    context = cli_context()
    if config_path is not None:
        context.config_path = config_path
    settings = context.settings()
    secrets = context.secrets
    configure_logging(settings.bot.log_level, _secret_values(secrets) + _analytics_tokens(settings))
    start = None
    if start_at:
        try:
            start = datetime.fromisoformat(start_at)
        except ValueError:
            raise click.BadParameter("expected an ISO 8601 date and time", param_hint="--start-at") from None
        if start.tzinfo is None:
            raise click.BadParameter("give a UTC offset, e.g. 2026-11-23T09:00+01:00", param_hint="--start-at")
    source = str(resolve_config_path(context.config_path) or "(embedded default.toml)")
    for problem in feature_check(settings, source):  # runs anyway: the rest of the bot works
        logging.getLogger("cmbot").warning("%s", problem)
    options = RunOptions(
        platforms=tuple(PlatformName(p) for p in platforms), slack_http_port=slack_http,
        slack_http_host=slack_http_host, start_at=start,
    )
    try:
        status = run_bot(settings, secrets, options, source)
    except (RunError, StoreUnavailable) as error:
        click.echo(f"cmbot: {error}", err=True)
        raise SystemExit(error.exit_status) from None
    raise SystemExit(status)


def _secret_values(secrets) -> list[str]:
    values = []
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        value = getattr(secrets, name)
        if value is not None:
            values.append(value.get_secret_value())
    return values


def _analytics_tokens(settings) -> list[str]:
    """The analytics connectors' tokens (named by each community's `token_env`), redacted like the others."""
    names = {connector.token_env for community in settings.communities
             for connector in (community.traffic.plausible, community.traffic.matomo) if connector is not None}
    return [os.environ[name] for name in sorted(names) if os.environ.get(name)]


@cli.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def config_check(path: Path | None) -> None:
    """Validate a config file (default: the one `cmbot run` would use) without starting anything."""
    from config.loader import ConfigError, feature_check, load_settings, resolve_config_path

    chosen = path if path is not None else resolve_config_path(cli_context().config_path)
    source = str(chosen or "(embedded default.toml)")
    try:
        settings = load_settings(chosen)
        problems = feature_check(settings, source)
        if problems:
            raise ConfigError(source, problems)
    except ConfigError as error:
        click.echo(error.report(), err=True)
        raise SystemExit(ExitStatus.USAGE) from None
    names = ", ".join(c.id for c in settings.communities)
    click.echo(f"{chosen or '(embedded default.toml)'}: OK ({len(settings.communities)} community: {names})")


@cli.group()
def db() -> None:
    """Manage the database."""


@db.command("migrate")
def db_migrate() -> None:
    """Create the database if needed and apply every pending schema migration."""
    from bot.store import Store
    from bot.wiring import migrate

    context = cli_context()
    settings = context.settings()
    store = Store.open(settings.bot.database)
    try:
        applied = migrate(store, context.features())
    finally:
        store.close()
    if applied:
        click.echo(f"{settings.bot.database}: applied {len(applied)} migration(s):")
        for name in applied:
            click.echo(f"  {name}")
    else:
        click.echo(f"{settings.bot.database}: up to date")


def main() -> None:
    os.umask(0o077)  # every file cmbot writes (database, WAL, reports, exports, charts, models) is private: 0600
    cli(prog_name="cmbot")


if __name__ == "__main__":
    main()
