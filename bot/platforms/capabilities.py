"""What each platform can do, declared once: the adapters read their own line, and anything that wants to know
what Discord or Slack offers without starting them (docs, tests, the moderation queue's choices) reads it here.

Slack cannot time a member out, and a bot token cannot delete members' messages; only Discord dedupes a
retried send by itself (a nonce); the console keeps its posts in memory and has no history to search.
"""

from __future__ import annotations

from bot.events import PlatformName
from bot.platform import Capability

_COMMON = frozenset({Capability.MODALS, Capability.BUTTONS, Capability.EPHEMERAL, Capability.THREADS,
                     Capability.DIRECT_MESSAGES})

CAPABILITIES: dict[PlatformName, frozenset[Capability]] = {
    PlatformName.DISCORD: _COMMON | {Capability.TIMEOUT, Capability.DELETE_MESSAGES, Capability.IDEMPOTENT_SEND,
                                     Capability.MESSAGE_LOOKUP, Capability.INVITES,
                                     Capability.NATIVE_POLLS},
    PlatformName.SLACK: _COMMON | {Capability.MESSAGE_LOOKUP},
    PlatformName.CONSOLE: _COMMON | {Capability.TIMEOUT, Capability.DELETE_MESSAGES, Capability.IDEMPOTENT_SEND},
}
