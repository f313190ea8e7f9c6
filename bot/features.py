"""The features this build of cmbot ships, in the order they are installed.

Order matters twice: migrations apply in this order, and handlers subscribed to the same event run in this
order (moderation sees a message before engagement counts it).
"""

from __future__ import annotations

from bot.feature import Feature


def shipped_features() -> list[Feature]:
    from handlers.calendar import feature as calendar
    from handlers.engagement import feature as engagement
    from handlers.moderation import feature as moderation
    from handlers.privacy import feature as privacy
    from handlers.traffic.feature import feature as traffic
    from handlers.welcome import feature as welcome

    return [moderation, welcome, calendar, engagement, traffic, privacy]
