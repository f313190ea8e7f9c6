"""What the welcome handler asks of the join-rate watch, and what it answers (the watch itself runs on the clock,
in `schedules.welcome.raid`, since it posts held welcomes on a timer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from handlers.welcome.templates import Newcomer

BurstKey = tuple[str, str]  # community id, platform


@dataclass(frozen=True, slots=True)
class Verdict:
    batched: bool  # hold this newcomer for the next batched welcome
    alert: bool  # this join started a burst: tell the CM once
    recent_joins: int


class JoinBursts(Protocol):
    def observe(self, key: BurstKey, at: datetime, newcomer: Newcomer, threshold: int, window: timedelta) -> Verdict:
        """Count one genuine join and say whether to hold its welcome."""
        ...
