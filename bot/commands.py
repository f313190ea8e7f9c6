"""Slash commands: one definition each, rendered by every platform, checked and parsed here.

A feature declares `CommandSpec`s; the Discord adapter renders them as application commands (groups and
subcommands), Slack as `/cmbot <path> key=value…`, the console as `/path key=value…`. Whatever the platform,
the invocation arrives as a `CommandInvoked` event with string options, and `CommandRouter` checks the caller's
role, converts the options and runs the command. A refused or malformed call gets an ephemeral answer in the
community's locale and has no other effect.
"""

from __future__ import annotations

import difflib
import logging
import shlex
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.actions import Action, Answer, Content
from bot.events import CommandInvoked, PlatformName
from bot.i18n import Catalogue
from bot.roles import Role, may, roles_of
from bot.templates import Value
from bot.text import Text
from config.settings import Community

log = logging.getLogger(__name__)


class OptionKind(StrEnum):
    STRING = "string"
    TEXT = "text"  # long, multi-line: a modal field where the platform has modals
    INTEGER = "integer"
    BOOLEAN = "boolean"
    MEMBER = "member"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    description_key: str
    kind: OptionKind = OptionKind.STRING
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command call that passed the role check, with converted options."""

    event: CommandInvoked
    community: Community
    roles: frozenset[Role]
    options: dict[str, str | int | bool]
    catalogue: Catalogue

    @property
    def locale(self) -> str:
        return self.community.locale

    def say(self, key: str, **values: Value) -> Text:
        return self.catalogue.text(self.community.locale, key, **values)

    def answer(self, key_or_text: str | Text, *, ephemeral: bool = True, **values: Value) -> Answer:
        text = key_or_text if isinstance(key_or_text, Text) else self.say(key_or_text, **values)
        return Answer(interaction=self.event.interaction, content=Content(text=text), ephemeral=ephemeral)


CommandRun = Callable[[Invocation], Awaitable[Sequence[Action]]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command. `allowed` lists the roles that may call it (admins always may; `Role.MEMBER` = everyone).

    `slow` asks platforms that must answer quickly (Discord: 3 s) to defer first.
    """

    path: tuple[str, ...]
    description_key: str
    run: CommandRun
    allowed: frozenset[Role] = frozenset({Role.MEMBER})
    options: tuple[OptionSpec, ...] = ()
    slow: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.path)


class CommandLineError(ValueError):
    """A command line that cannot be read; `key` and `values` give the sentence in the community's locale."""

    def __init__(self, message: str, key: str, **values: Value) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


@dataclass
class CommandRegistry:
    specs: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        if spec.path in self.specs:
            raise ValueError(f"command {spec.name!r} is defined twice")
        if any(other[: len(spec.path)] == spec.path or spec.path[: len(other)] == other for other in self.specs):
            raise ValueError(f"command {spec.name!r} would shadow another command's path")
        self.specs[spec.path] = spec

    def get(self, path: tuple[str, ...]) -> CommandSpec | None:
        return self.specs.get(path)

    def __iter__(self):
        return iter(sorted(self.specs.values(), key=lambda s: s.path))

    def split_line(self, line: str) -> tuple[tuple[str, ...], dict[str, str]]:
        """Parse `post show 12 note="a b"`: the longest known path, then positional and `key=value` options.

        Positional values fill the command's options in declaration order. Raises `CommandLineError` on
        unbalanced quotes or a value with no option left to fill, `LookupError` for an unknown command.
        """
        try:
            tokens = shlex.split(line)
        except ValueError as exc:
            raise CommandLineError(f"cannot read the command line: {exc}", "core.line_quotes") from None
        spec = None
        for length in range(min(len(tokens), 3), 0, -1):
            spec = self.get(tuple(t.lower() for t in tokens[:length]))
            if spec is not None:
                tokens = tokens[length:]
                break
        if spec is None:
            raise LookupError(" ".join(tokens[:2]) or "")
        options: dict[str, str] = {}
        positional = [o.name for o in spec.options]
        for token in tokens:
            key, sep, value = token.partition("=")
            if sep and key.replace("-", "_").isidentifier():
                options[key.replace("-", "_")] = value
            else:
                free = [name for name in positional if name not in options]
                if not free:
                    raise CommandLineError(f"unexpected value {token!r}", "core.line_unexpected", value=token)
                options[free[0]] = token
        return spec.path, options


class OptionError(ValueError):
    def __init__(self, key: str, **values: Value) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def convert_options(spec: CommandSpec, raw: dict[str, str]) -> dict[str, str | int | bool]:
    known = {o.name: o for o in spec.options}
    for name in raw:
        if name not in known:
            raise OptionError("core.option_unknown", option=name)
    converted: dict[str, str | int | bool] = {}
    for option in spec.options:
        value = raw.get(option.name)
        if value is None or value == "":
            if option.required:
                raise OptionError("core.option_missing", option=option.name)
            continue
        if option.max_length is not None and len(value) > option.max_length:
            raise OptionError("core.option_too_long", option=option.name, limit=option.max_length)
        if option.choices and value not in option.choices:
            raise OptionError("core.option_choice", option=option.name, choices=", ".join(option.choices))
        if option.kind is OptionKind.INTEGER:
            try:
                converted[option.name] = int(value)
            except ValueError:
                raise OptionError("core.option_integer", option=option.name) from None
        elif option.kind is OptionKind.BOOLEAN:
            lowered = value.lower()
            if lowered not in {"true", "false", "yes", "no", "oui", "non", "1", "0"}:
                raise OptionError("core.option_boolean", option=option.name)
            converted[option.name] = lowered in {"true", "yes", "oui", "1"}
        else:
            converted[option.name] = value
    return converted


class CommandRouter:
    """The `CommandInvoked` handler: role check, option conversion, then the command's own code."""

    def __init__(self, registry: CommandRegistry, catalogue: Catalogue) -> None:
        self.registry = registry
        self.catalogue = catalogue

    async def __call__(self, event: CommandInvoked, community: Community) -> Sequence[Action]:
        def refuse(key: str, **values: Value) -> list[Action]:
            text = self.catalogue.text(community.locale, key, **values)
            return [Answer(interaction=event.interaction, content=Content(text=text), ephemeral=True)]

        spec = self.registry.get(event.path)
        if spec is None:
            group = [s for s in self.registry if s.path[: len(event.path)] == event.path and s.path != event.path]
            held = roles_of(event.member, community, event.platform)
            usable = [s for s in group if may(held, s.allowed)]
            if usable:  # `/post` alone: its subcommands, one line each
                prefix = COMMAND_PREFIX.get(event.platform, "/")
                lines: list[Text | str] = [self.catalogue.text(community.locale, "core.group_header",
                                                               command=f"{prefix}{' '.join(event.path)}")]
                for sub in usable:
                    lines += ["\n", usage_line(sub, prefix, lambda key: self.catalogue.text(community.locale, key))]
                return [Answer(interaction=event.interaction, content=Content(text=Text.of(*lines)), ephemeral=True)]
            if group:
                needed = ", ".join(sorted({r.value.upper() for s in group for r in s.allowed}))
                return refuse("core.command_refused", command=" ".join(event.path), roles=needed)
            typed = " ".join(event.path)
            known = [" ".join(s.path) for s in self.registry if may(held, s.allowed)]
            near = difflib.get_close_matches(typed, known, n=1, cutoff=0.75)  # "posts list" → "post list"
            if near:
                prefix = COMMAND_PREFIX.get(event.platform, "/")
                return refuse("core.command_unknown_near", command=typed, near=f"{prefix}{near[0]}")
            return refuse("core.command_unknown", command=typed)
        held = roles_of(event.member, community, event.platform)
        if not may(held, spec.allowed):
            log.info("refused %s to %s on %s", spec.name, event.member.id, event.platform)
            needed = ", ".join(sorted(r.value.upper() for r in spec.allowed))
            refused = refuse("core.command_refused", command=spec.name, roles=needed)
            if event.platform is PlatformName.CONSOLE:  # roles there are given by the one trying it out
                role = sorted(r.value for r in spec.allowed)[0]
                hint = self.catalogue.text(community.locale, "core.console_role_hint", name=event.member.id,
                                           role=role, command=spec.name)
                return [Answer(interaction=event.interaction, ephemeral=True,
                               content=Content(text=Text.of(refused[0].content.text, " ", hint)))]  # type: ignore[attr-defined]
            return refused
        try:
            options = convert_options(spec, dict(event.options))
        except OptionError as error:
            return refuse(error.key, **error.values)
        invocation = Invocation(event, community, held, options, self.catalogue)
        return await spec.run(invocation)


# How a platform spells a command in help: Slack hangs every command under its one `/cmbot` slash command.
COMMAND_PREFIX: dict[PlatformName, str] = {PlatformName.SLACK: "/cmbot "}


def usage_line(spec: CommandSpec, prefix: str, say: Callable[[str], Text]) -> Text:
    """`/post reject id=… reason=… — Send a post back…`: how to call a command, and what it does."""
    usage = " ".join([spec.name, *(f"{o.name}=…" for o in spec.options if o.required)])
    return Text.of(f"{prefix}{usage} — ", say(spec.description_key))


def help_command(registry: CommandRegistry) -> CommandSpec:
    """`/help`: the commands the caller's roles allow, with their descriptions, in the locale."""

    async def run(invocation: Invocation) -> Sequence[Action]:
        lines: list[Text | str] = [invocation.say("core.help_header")]
        prefix = COMMAND_PREFIX.get(invocation.event.platform, "/")
        for spec in registry:
            if may(invocation.roles, spec.allowed):
                lines.append("\n")
                lines.append(usage_line(spec, prefix, invocation.say))
        return [invocation.answer(Text.of(*lines))]

    return CommandSpec(path=("help",), description_key="core.help_description", run=run)
