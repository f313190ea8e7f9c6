"""`/cmbot <subcommand> …`: Slack gives an app one slash command per name, so every command of the registry
hangs under `/cmbot`, written the same way as on the console (`/cmbot post show 12 note="a b"`).

Parsing uses the core's `CommandRegistry.split_line`; a line it cannot read becomes a `CommandProblem` that the
adapter answers privately, in the community's language, before any handler runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import CommandRegistry

SLASH_COMMAND = "/cmbot"
HELP_PATH = ("help",)


@dataclass(frozen=True, slots=True)
class CommandProblem:
    """Why a `/cmbot` line was refused: a catalogue key and the values it needs."""

    key: str
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    path: tuple[str, ...]
    options: dict[str, str]


def parse_command_text(registry: CommandRegistry, text: str) -> ParsedCommand | CommandProblem:
    """The subcommand path and raw options of a `/cmbot` line; an empty line asks for help."""
    line = text.strip()
    if not line:
        return ParsedCommand(HELP_PATH, {})
    try:
        path, options = registry.split_line(line)
    except LookupError as unknown:
        name = str(unknown.args[0]) if unknown.args else line.split()[0]
        return CommandProblem("slack.command_unknown", {"command": name, "slash": SLASH_COMMAND})
    except ValueError as error:
        return CommandProblem("slack.command_unreadable", {"reason": str(error), "slash": SLASH_COMMAND})
    return ParsedCommand(path, options)


def usage(path: tuple[str, ...]) -> str:
    """How a command is typed on Slack."""
    return " ".join((SLASH_COMMAND, *path))
