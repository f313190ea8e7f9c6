"""`/cmbot <subcommand> …`: Slack gives an app one slash command per name, so every command of the registry
hangs under `/cmbot`, written the same way as on the console (`/cmbot post show 12 note="a b"`).

Parsing uses the core's `CommandRegistry.split_line`; a line it cannot read becomes a `CommandProblem` that the
adapter answers privately, in the community's language, before any handler runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands import CommandLineError, CommandRegistry, OptionKind

SLASH_COMMAND = "/cmbot"
HELP_PATH = ("help",)
# with `should_escape` on (see the manifest), Slack writes a picked member as <@U…|name> and a channel as <#C…|name>
_ENTITY = {OptionKind.MEMBER: re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$"),
           OptionKind.CHANNEL: re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")}


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
        group = (line.split()[0].lower(),)
        if line.split() == list(group) and any(spec.path[:1] == group for spec in registry):
            return ParsedCommand(group, {})  # `/cmbot post` alone: the core lists its subcommands
        return CommandProblem("slack.command_unknown", {"command": name, "slash": SLASH_COMMAND})
    except CommandLineError as error:
        return CommandProblem(error.key, {name: str(value) for name, value in error.values.items()})
    spec = registry.get(path)
    kinds = {o.name: o.kind for o in spec.options} if spec is not None else {}
    return ParsedCommand(path, {name: _option_value(value, kinds.get(name)) for name, value in options.items()})


def _option_value(value: str, kind: OptionKind | None) -> str:
    """A member or channel picked in Slack becomes its id; any other text loses Slack's escaping."""
    pattern = _ENTITY.get(kind) if kind is not None else None
    match = pattern.match(value) if pattern is not None else None
    if match:
        return match.group(1)
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def usage(path: tuple[str, ...]) -> str:
    """How a command is typed on Slack."""
    return " ".join((SLASH_COMMAND, *path))
