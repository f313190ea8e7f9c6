"""Rules that need memory of recent messages: flood, the same text in several channels, risky newcomers.

State is in memory and bounded (a few seconds or minutes of history, at most `MAX_TRACKED` keys): losing it at a
restart only forgets a burst in progress. Time comes from the message, so tests drive it with a fake clock.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import datetime, timedelta

from handlers.moderation.rules.base import Hit, MessageFacts, Severity

MAX_TRACKED = 20_000


def _bounded(store: OrderedDict, key: object) -> None:
    store.move_to_end(key)
    _bound(store)


def _bound(store: OrderedDict) -> None:
    """The oldest keys dropped past `MAX_TRACKED` (a key just added or moved is the newest: it stays)."""
    while len(store) > MAX_TRACKED:
        store.popitem(last=False)


class Flood:
    name = "flood"

    def __init__(self, max_messages: int, window_seconds: float) -> None:
        self.max_messages = max_messages
        self.window = timedelta(seconds=window_seconds)
        self._recent: OrderedDict[tuple[str, str], deque[datetime]] = OrderedDict()

    def check(self, message: MessageFacts) -> Hit | None:
        if message.at is None or not message.member_id or message.edit:
            return None
        key = (message.space_id, message.member_id)
        times = self._recent.get(key)
        if times is None:
            times = self._recent[key] = deque()
            _bound(self._recent)
        else:
            self._recent.move_to_end(key)
        times.append(message.at)
        while times and message.at - times[0] > self.window:
            times.popleft()
        if len(times) >= self.max_messages:
            count = len(times)
            times.clear()  # one flag per burst, not one per message of it
            return Hit(self.name, Severity.MEDIUM, f"{count} messages")
        return None


class CrossPost:
    name = "crosspost"

    def __init__(self, channels: int, window_seconds: float, min_length: int) -> None:
        self.channels = channels
        self.window = timedelta(seconds=window_seconds)
        self.min_length = min_length
        self._seen: OrderedDict[tuple[str, str, int], dict[str, datetime]] = OrderedDict()

    def check(self, message: MessageFacts) -> Hit | None:
        if message.at is None or len(message.text) < self.min_length or not message.member_id or message.edit:
            return None
        # A hash, not the text: memory stays small whatever the messages' length, and no content is kept.
        key = (message.space_id, message.member_id, hash(message.normalised.text))
        where = self._seen.get(key)
        if where is None:
            where = self._seen[key] = {}
            _bound(self._seen)
        else:
            self._seen.move_to_end(key)
        where[message.channel_id] = message.at
        for channel, at in list(where.items()):
            if message.at - at > self.window:
                del where[channel]
        if len(where) >= self.channels:
            count = len(where)
            where.clear()
            return Hit(self.name, Severity.HIGH, f"{count} channels")
        return None


class Newcomer:
    """A member who joined minutes ago posting links or mentions: the usual shape of a spam account."""

    name = "newcomer"

    def __init__(self, minutes: float) -> None:
        self.window = timedelta(minutes=minutes)
        self.joined: OrderedDict[tuple[str, str], datetime] = OrderedDict()

    def saw_join(self, space_id: str, member_id: str, at: datetime) -> None:
        self.joined[(space_id, member_id)] = at
        _bounded(self.joined, (space_id, member_id))

    def check(self, message: MessageFacts) -> Hit | None:
        if message.at is None:
            return None
        joined = message.joined_at or self.joined.get((message.space_id, message.member_id))
        if joined is None or message.at - joined > self.window:
            return None
        if message.mentioned_user_ids or message.mentioned_role_ids or message.mentions_everyone:
            return Hit(self.name, Severity.MEDIUM, "mentions")
        if message.has_link:
            return Hit(self.name, Severity.MEDIUM, "link")
        return None
