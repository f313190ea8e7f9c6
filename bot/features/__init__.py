"""The features this build of cmbot ships: one front door per feature, the only code that wires `handlers/`
and `schedules/` together.

Order matters twice: migrations apply in this order, and handlers subscribed to the same event run in this
order (moderation sees a message before welcome and engagement do, and can stop them).

Nothing here is imported until it is needed: `cmbot --help` lists the command groups below by importing only
their (light) command-line modules, never a feature's handlers, its store or a platform library.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.wiring import Feature

SHIPPED = ("moderation", "welcome", "calendar", "engagement", "feedback", "traffic", "privacy", "upkeep", "polls",
           "surveys", "ambassadors")

# `cmbot <group>` -> the module and attribute of its click group, imported when the group is listed or used.
COMMAND_GROUPS = {
    "posts": "handlers.calendar.cli:posts_cli",
    "report": "schedules.report.cli:report_cli",
    "moderation": "handlers.moderation.cli:moderation_cli",
    "traffic": "schedules.traffic.cli:traffic_cli",
    "campaigns": "bot.features.campaigns_cli:campaigns_cli",
    "privacy": "handlers.privacy.cli:privacy_cli",
    "discord": "bot.platforms.discord.cli:discord_cli",
}


def shipped_features() -> list[Feature]:
    return [import_module(f"bot.features.{name}").feature for name in SHIPPED]
