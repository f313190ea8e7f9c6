"""The core's command definitions rendered as Discord application commands (JSON payloads for bulk sync).

One `CommandSpec` per command whatever the platform: here, specs sharing a first word become one slash command
with subcommands (and subcommand groups for three-word paths), descriptions come from the catalogue in English
with a French localisation, and the message context menu "Report to moderators" is added. Payloads are built
by hand rather than through `app_commands.CommandTree` because nothing runs on Discord's side: the invocation
is translated into a `CommandInvoked` and the core's router checks roles and runs the command.
`default_member_permissions` is set only for admin-only commands, and only as a hint: the check is ours.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from bot.commands import CommandRegistry, CommandSpec, OptionKind, OptionSpec
from bot.i18n import Catalogue
from bot.roles import Role

NAME_LIMIT = 32
DESCRIPTION_LIMIT = 100
CHOICES_LIMIT = 25
STRING_LIMIT = 6000
ADMINISTRATOR = 1 << 3
GUILD_CONTEXT = 0
REPORT_MENU_KEY = "discord.report_menu"

_OPTION_TYPES = {
    OptionKind.STRING: 3,
    OptionKind.TEXT: 3,
    OptionKind.INTEGER: 4,
    OptionKind.BOOLEAN: 5,
    OptionKind.MEMBER: 6,
    OptionKind.CHANNEL: 7,
}
_VALID_NAME = re.compile(r"^[-_\w]{1,32}$")

Payload = dict[str, Any]


def _described(catalogue: Catalogue, key: str) -> Payload:
    english = catalogue.string("en", key)[:DESCRIPTION_LIMIT] or "-"
    french = catalogue.string("fr", key)[:DESCRIPTION_LIMIT] or "-"
    return {"description": english, "description_localizations": {"fr": french}}


def _name(word: str) -> str:
    name = word.lower()
    if not _VALID_NAME.match(name):
        raise ValueError(f"{word!r} is not a valid Discord command or option name (1-32 letters, digits, - or _)")
    return name


def option_payload(option: OptionSpec, catalogue: Catalogue) -> Payload:
    payload: Payload = {
        "type": _OPTION_TYPES[option.kind],
        "name": _name(option.name),
        "required": option.required,
        **_described(catalogue, option.description_key),
    }
    if option.choices:
        payload["choices"] = [{"name": c[:100], "value": c} for c in option.choices[:CHOICES_LIMIT]]
    if option.kind in (OptionKind.STRING, OptionKind.TEXT):
        payload["max_length"] = min(option.max_length or STRING_LIMIT, STRING_LIMIT)
    return payload


def _options(spec: CommandSpec, catalogue: Catalogue) -> list[Payload]:
    ordered = sorted(spec.options, key=lambda o: not o.required)  # Discord wants required options first
    return [option_payload(o, catalogue) for o in ordered]


def _admin_only(specs: list[CommandSpec]) -> bool:
    return all(spec.allowed == frozenset({Role.ADMIN}) for spec in specs)


def _subcommand(spec: CommandSpec, catalogue: Catalogue) -> Payload:
    return {"type": 1, "name": _name(spec.path[-1]), **_described(catalogue, spec.description_key),
            "options": _options(spec, catalogue)}


def _group_description(catalogue: Catalogue, specs: list[CommandSpec]) -> Payload:
    return _described(catalogue, specs[0].description_key)


def command_payloads(registry: CommandRegistry, catalogue: Catalogue) -> list[Payload]:
    """Every command as an application command, plus the report context menu."""
    by_root: dict[str, list[CommandSpec]] = defaultdict(list)
    for spec in registry:
        by_root[_name(spec.path[0])].append(spec)
    payloads: list[Payload] = []
    for root, specs in sorted(by_root.items()):
        payload: Payload = {"type": 1, "name": root, "contexts": [GUILD_CONTEXT]}
        if len(specs) == 1 and len(specs[0].path) == 1:
            payload.update(_described(catalogue, specs[0].description_key))
            payload["options"] = _options(specs[0], catalogue)
        else:
            payload.update(_group_description(catalogue, specs))
            payload["options"] = _nested(specs, catalogue)
        if _admin_only(specs):
            payload["default_member_permissions"] = str(ADMINISTRATOR)
        payloads.append(payload)
    payloads.append(report_menu_payload(catalogue))
    return payloads


def _nested(specs: list[CommandSpec], catalogue: Catalogue) -> list[Payload]:
    groups: dict[str, list[CommandSpec]] = defaultdict(list)
    options: list[Payload] = []
    for spec in specs:
        if len(spec.path) == 2:
            options.append(_subcommand(spec, catalogue))
        else:
            groups[_name(spec.path[1])].append(spec)
    for name, members in sorted(groups.items()):
        options.append({"type": 2, "name": name, **_group_description(catalogue, members),
                        "options": [_subcommand(s, catalogue) for s in members]})
    return options


def report_menu_payload(catalogue: Catalogue) -> Payload:
    return {
        "type": 3,
        "name": report_menu_name(catalogue),
        "name_localizations": {"fr": catalogue.string("fr", REPORT_MENU_KEY)[:NAME_LIMIT]},
        "contexts": [GUILD_CONTEXT],
    }


def report_menu_name(catalogue: Catalogue) -> str:
    """The context menu's canonical (English) name: the interaction payload carries this one."""
    return catalogue.string("en", REPORT_MENU_KEY)[:NAME_LIMIT]
