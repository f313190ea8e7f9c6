"""The CLI: every command documents itself; --version; db migrate."""

from __future__ import annotations

import click
from click.testing import CliRunner

from bot import __version__
from bot.cli import cli


def walk(command: click.Command, path: tuple[str, ...] = ("cmbot",)):
    """Every command, the features' lazily loaded groups included (hence `get_command`, not `.commands`)."""
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, name
            yield from walk(sub, (*path, name))


def test_the_walk_reaches_every_feature_group():
    names = {path[1] for path, _ in walk(cli) if len(path) == 2}
    assert {"run", "config", "db", "posts", "report", "moderation", "privacy", "discord"} <= names


def test_every_command_and_option_has_help_text():
    missing = []
    for path, command in walk(cli):
        if not (command.help or command.short_help):
            missing.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not param.help and param.name not in {"help", "version"}:
                missing.append(f"{' '.join(path)} {param.opts[0]}")
    assert missing == []


def test_every_command_answers_help():
    runner = CliRunner()
    for path, _ in walk(cli):
        result = runner.invoke(cli, [*path[1:], "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_db_migrate_creates_then_reports_up_to_date(tmp_path, monkeypatch):
    config = tmp_path / "cmbot.toml"
    config.write_text(
        f'[bot]\ndatabase = "{tmp_path / "x.db"}"\n[[communities]]\nid = "c"\nname = "C"\n'
        '[communities.console]\nspace_id = "console"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    first = runner.invoke(cli, ["--config", str(config), "db", "migrate"])
    assert first.exit_code == 0 and "applied" in first.output and "core.m001_spaces_seen" in first.output
    second = runner.invoke(cli, ["--config", str(config), "db", "migrate"])
    assert second.exit_code == 0 and "up to date" in second.output
