"""Settings of polls (`[communities.polls]`).

Every key has a default: polls are on, last one day unless their author says otherwise, and each member's vote is
kept 30 days after the poll ends (the results themselves are kept as anonymous counts).
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, model_validator

from config.base import Section

DISCORD_LONGEST_HOURS = 32 * 24  # Discord keeps a native poll open at most 32 days


class PollSettings(Section):
    enabled: bool = True
    default_duration_hours: int = Field(default=24, ge=1, le=DISCORD_LONGEST_HOURS,
                                        description="how long a poll stays open when its author gives no duration")
    min_duration_minutes: int = Field(default=5, ge=1, le=24 * 60)
    max_duration_hours: int = Field(default=DISCORD_LONGEST_HOURS, ge=1, le=DISCORD_LONGEST_HOURS,
                                    description="at most 32 days, Discord's limit for a native poll")
    vote_retention_days: int = Field(default=30, ge=0, le=3650,
                                     description="days each member's vote is kept after the poll ends")
    sweep_seconds: int = Field(default=60, ge=5, le=3600, description="safety-net sweep for polls due to close")
    card_update_seconds: int = Field(default=5, ge=0, le=300,
                                     description="a poll's button card is redrawn at most once in this many seconds"
                                                 " (Slack limits chat.update); the latest count is always drawn")

    @model_validator(mode="after")
    def _bounds(self) -> PollSettings:
        if self.min_duration > self.max_duration:
            raise ValueError("min_duration_minutes is longer than max_duration_hours")
        if not self.min_duration <= self.default_duration <= self.max_duration:
            raise ValueError("default_duration_hours must lie between the minimum and the maximum duration")
        return self

    @property
    def default_duration(self) -> timedelta:
        return timedelta(hours=self.default_duration_hours)

    @property
    def min_duration(self) -> timedelta:
        return timedelta(minutes=self.min_duration_minutes)

    @property
    def max_duration(self) -> timedelta:
        return timedelta(hours=self.max_duration_hours)

    @property
    def vote_retention(self) -> timedelta:
        return timedelta(days=self.vote_retention_days)
