"""Which tables hold members' data: each feature declares its own, and privacy erases and exports through them.

Forget-me and export reach every row of a member without knowing the features that wrote them, because every
feature that stores a member id declares the table here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.text import Text
from config.settings import Community

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True, slots=True)
class PersonalData:
    """A table holding members' data.

    `member_column` holds the platform member id; `platform_column` the platform name (or None when the table
    is for one platform only). `anonymise` is for rows that are about something else and only mention the
    member (the reporter of a flag, the approver of a post): forget-me then replaces the member id with
    `FORGOTTEN` instead of deleting the row (not NULL, which often means "nobody yet").

    `label` is the catalogue key of what the rows are, in words the member understands (« les statistiques de
    vos messages », "your welcome"): forget-me and export say what they reach with it, never a table name.
    Declarations about the same thing share a label and are counted together.
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
    # For an anonymised declaration, columns cleared (set to NULL) along with the member id: a name kept beside
    # the id, so that the card can say who decided.
    erase_columns: tuple[str, ...] = ()
    label: str = ""  # catalogue key, e.g. "welcome.personal_data.welcome"; tests require one on every declaration


FORGOTTEN = "forgotten"

# What a feature undoes on the platforms once a member is forgotten (an ambassador's role): given the community
# and every (platform, member id) of the person, it carries out the pending work its `ForgetStep` wrote and returns
# the sentences to add to forget-me's answer.
ForgetHook = Callable[[Community, tuple[tuple[str, str], ...]], Awaitable[list[Text]]]
# What a feature writes in the forget's own transaction, before the member's rows go (on the store's thread):
# work left to do on the platforms, so that a platform down or a stop cannot lose it. Given the database, the
# community, every (platform, member id) of the person and the time.
ForgetStep = Callable[["Database", Community, tuple[tuple[str, str], ...], datetime], object]
