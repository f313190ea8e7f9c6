"""Carrying out actions on the right platform.

Handlers answering an event have their actions run on the event's platform by the dispatcher; scheduled work
(a post, a report) names the platform itself. Either way every action goes through `Outbox.send`, which logs
failures with the platform's reason instead of dropping them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.actions import Action, ActionResult
from bot.events import PlatformName
from bot.platform import Capability, Platform

log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, platforms: Mapping[PlatformName, Platform] | None = None) -> None:
        self.platforms: dict[PlatformName, Platform] = dict(platforms or {})

    def attach(self, platform: Platform) -> None:
        self.platforms[platform.name] = platform

    def has(self, platform: PlatformName) -> bool:
        return platform in self.platforms

    def can(self, platform: PlatformName, capability: Capability) -> bool:
        target = self.platforms.get(platform)
        return target is not None and target.can(capability)

    async def send(self, platform: PlatformName, action: Action) -> ActionResult:
        target = self.platforms.get(platform)
        if target is None:
            log.warning("no %s platform is running: %s not sent", platform, type(action).__name__)
            return ActionResult.failed(f"platform {platform} is not running", permanent=False)
        try:
            result = await target.execute(action)
        except Exception:  # an adapter bug must not take the caller down with it
            log.exception("%s adapter raised on %s", platform, type(action).__name__)
            return ActionResult.failed("adapter error", permanent=False)
        if not result.ok:
            log.warning("%s refused %s: %s", platform, type(action).__name__, result.error)
        return result

    async def send_all(self, platform: PlatformName, actions: list[Action]) -> list[ActionResult]:
        if not actions:  # the common case on the hot path: a handler that only observed
            return []
        return [await self.send(platform, action) for action in actions]
