"""Settings of the engagement log, the weekly report and privacy (`[communities.engagement]`, `.report`,
`.privacy`)."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from config.base import Section


class EngagementSettings(Section):
    """The engagement log: what is counted (never message content) and how the writer batches."""

    enabled: bool = True
    flush_seconds: float = Field(default=1.0, gt=0, le=60, description="write buffered events at least this often")
    flush_events: int = Field(default=5000, ge=1, le=100_000, description="or as soon as this many are buffered")
    feedback_reaction: str = Field(default="📝", description="a CM reacting with this marks a message as feedback")
    slipping_silence_days: int = Field(default=14, ge=1, le=90, description="silence that makes a regular slip away")
    slipping_regular_weeks: int = Field(
        default=3, ge=1, le=6, description="active weeks out of the 6 before the silence that make a regular"
    )
    top_count: int = Field(default=5, ge=1, le=10, description="how many channels, contributors, members to list")


class ReportSettings(Section):
    """The weekly strategy report: when it is posted, and the thresholds behind its recommendation."""

    enabled: bool = True
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local time")
    timezone: str | None = Field(default=None, description="IANA timezone; default: the community's")
    chart: bool = True
    advice_min_joiners: int = Field(default=5, ge=1, description="fewer joiners than this: no advice, too few")
    advice_low_activation: float = Field(
        default=0.25, ge=0, le=1, description="newcomer activation below this: invest in community management"
    )
    advice_high_activation: float = Field(
        default=0.5, ge=0, le=1, description="activation at or above this while growth stagnates: invest in reach"
    )
    advice_stagnant_growth: float = Field(
        default=0.01, ge=0, le=1, description="weekly net growth below this share of members counts as stagnant"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown IANA timezone {value!r} (for example 'Europe/Paris')") from None
        return value


class PrivacySettings(Section):
    """Members' rights: how long engagement rows live, and how an export reaches the member."""

    engagement_retention_days: int = Field(
        default=396, ge=7, le=3650, description="engagement rows older than this are purged (roll-ups are kept)"
    )
    export_max_mib: int = Field(
        default=8, ge=1, le=25,
        description="an export file larger than this (MiB) is summarised instead: Discord refuses bots' files over"
        " 10 MiB",
    )
    link_code_minutes: int = Field(default=15, ge=1, le=1440, description="how long a /privacy link code is valid")
    keep_sanctions_days: int = Field(
        default=365, ge=0, le=3650,
        description="a moderation sanction outlives forget-me this long (member's platform id only)",
    )
