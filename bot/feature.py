"""How a feature plugs into the app: its tables, its handlers, its commands, its clock jobs, its CLI.

Each feature (welcome, moderation, calendar, engagement, reports, privacy) exposes one `Feature` value. At
start-up the app applies every feature's migrations, then calls `install(services)`, where the feature
subscribes handlers, adds commands and registers clock jobs and start/stop hooks. Wiring happens here, once;
handlers themselves only receive events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click
from sqlite_utils.migrations import Migrations

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True, slots=True)
class PersonalData:
    """A table holding members' data: the privacy feature erases and exports through these declarations.

    `member_column` holds the platform member id; `platform_column` the platform name (or None when the table
    is for one platform only). Every feature that stores a member id declares its tables here, so that
    forget-me and export reach every row without knowing the feature. `anonymise` is for rows that are about
    something else and only mention the member (the reporter of a flag, the approver of a post): forget-me then
    replaces the member id with `FORGOTTEN` instead of deleting the row (not NULL, which often means "nobody yet").
    """

    table: str
    member_column: str
    platform_column: str | None = "platform"
    community_column: str = "community"
    anonymise: bool = False
    # For an anonymised declaration, the export shows only the community, platform and member columns plus
    # these (a reporter gets the fact that they reported, not the reported member's words).
    export_columns: tuple[str, ...] = ()
    # Columns never exported to this member, because they name someone else who must stay private (the
    # reporter of a flag about them).
    hidden_columns: tuple[str, ...] = ()


FORGOTTEN = "forgotten"
Hook = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Feature:
    name: str
    migrations: Migrations | None = None
    install: Callable[[Services], None] | None = None
    personal_data: tuple[PersonalData, ...] = ()
    cli: click.Command | None = None
    extra: dict[str, object] = field(default_factory=dict)
