"""Raid and spike alerts: a burst of joins or of flags in a short window alerts the moderators once.

Counting happens in memory per (community, platform) over a sliding window; after an alert the same kind stays
quiet for `quiet_minutes`, so a raid of 200 accounts makes one message, not 190. The alert is returned as an
action for the caller's handler to return; nothing here sends.
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import datetime, timedelta

from bot.actions import Action, Content, Post
from bot.events import MemberJoined, PlatformName
from bot.i18n import Catalogue
from config.settings import Community
from handlers.moderation.cards import rule_label
from handlers.moderation.flags import FlagDraft

NAMES_SHOWN = 10


class _Window:
    def __init__(self) -> None:
        self.items: deque[tuple[datetime, str]] = deque()
        self.quiet_until: datetime | None = None

    def add(self, at: datetime, label: str, window: timedelta) -> int:
        self.items.append((at, label))
        while self.items and at - self.items[0][0] > window:
            self.items.popleft()
        return len(self.items)


class Alerts:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._windows: dict[tuple[str, str, str], _Window] = {}

    def _window(self, kind: str, community: Community, platform: PlatformName) -> _Window:
        return self._windows.setdefault((kind, community.id, platform.value), _Window())

    def member_joined(self, event: MemberJoined, community: Community) -> list[Action]:
        settings = community.moderation.alerts
        window = self._window("joins", community, event.platform)
        count = window.add(event.at, event.member.display_name, timedelta(seconds=settings.join_window_seconds))
        if count < settings.joins or not self._may_alert(window, event.at, settings.quiet_minutes):
            return []
        names = ", ".join(label for _, label in list(window.items)[-NAMES_SHOWN:])
        text = self.catalogue.text(
            community.locale, "moderation.alert_raid", count=count, seconds=int(settings.join_window_seconds),
            names=names,
        )  # fmt: skip
        return self._post(community, event.platform, text)

    def flag_raised(self, community: Community, platform: PlatformName, draft: FlagDraft) -> list[Action]:
        settings = community.moderation.alerts
        window = self._window("flags", community, platform)
        label = ",".join(sorted({hit.rule for hit in draft.hits}))
        count = window.add(draft.created_at, label, timedelta(seconds=settings.flag_window_seconds))
        if count < settings.flags or not self._may_alert(window, draft.created_at, settings.quiet_minutes):
            return []
        rules = Counter(rule for _, labels in window.items for rule in labels.split(","))
        summary = ", ".join(f"{rule_label(self.catalogue, community.locale, rule)} × {n}"
                            for rule, n in rules.most_common(5))
        text = self.catalogue.text(
            community.locale, "moderation.alert_spike", count=count,
            minutes=max(1, round(settings.flag_window_seconds / 60)), summary=summary,
        )  # fmt: skip
        return self._post(community, platform, text)

    @staticmethod
    def _may_alert(window: _Window, at: datetime, quiet_minutes: float) -> bool:
        if window.quiet_until is not None and at < window.quiet_until:
            return False
        window.quiet_until = at + timedelta(minutes=quiet_minutes)
        return True

    @staticmethod
    def _post(community: Community, platform: PlatformName, text) -> list[Action]:
        space = community.space(platform.value)
        channel = space.channels.moderation if space is not None else None
        if channel is None:
            return []
        return [Post(channel_id=channel, content=Content(text=text))]
