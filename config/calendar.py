"""Settings of the content calendar (`[communities.calendar]`).

Every key has a default, so a community that says nothing gets a working calendar: no approval step, a one-hour
grace period for posts the bot could not send on time, a one-year horizon and UTM tagging on every link.
"""

from __future__ import annotations

import re
from datetime import timedelta

from pydantic import Field, field_validator, model_validator

from config.base import Section

_PILLAR = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class UtmSettings(Section):
    """Campaign parameters appended to links in scheduled posts, so web analytics credits each platform."""

    enabled: bool = True
    medium: str = "community"
    default_campaign: str = Field(default="cmbot", description="utm_campaign for posts with no campaign")
    domains: tuple[str, ...] = Field(
        default=(), description="only tag links to these domains (and their subdomains); empty: every link"
    )


class CalendarSettings(Section):
    enabled: bool = True
    approval_required: bool = Field(
        default=False, description="posts need a CM's (or another SMM's) approval before they are scheduled"
    )
    grace_period_minutes: int = Field(default=60, ge=0, le=24 * 60)
    horizon_days: int = Field(default=365, ge=1, le=5 * 365)
    max_retries: int = Field(default=5, ge=0, le=20)
    retry_base_seconds: float = Field(default=2.0, gt=0, le=300)
    sweep_seconds: int = Field(default=60, ge=5, le=3600, description="safety-net sweep for anything due")
    pillars: tuple[str, ...] = ("news", "tips", "events", "behind-the-scenes")
    pillar_labels: dict[str, str] = Field(
        default_factory=dict,
        description="display names of pillars (slug = label); a pillar without one shows its shipped name or "
        "its slug in words",
    )
    utm: UtmSettings = UtmSettings()

    @field_validator("pillars")
    @classmethod
    def _pillar_slugs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pillar in value:
            if not _PILLAR.match(pillar):
                raise ValueError(f"pillar {pillar!r} must be a short slug (lowercase letters, digits, '-', '_')")
        return value

    @model_validator(mode="after")
    def _labels_name_pillars(self) -> CalendarSettings:
        unknown = [slug for slug in self.pillar_labels if slug not in self.pillars]
        if unknown:
            raise ValueError(f"pillar_labels names {', '.join(unknown)}, which is not among the pillars "
                             f"({', '.join(self.pillars)})")
        return self

    @property
    def grace_period(self) -> timedelta:
        return timedelta(minutes=self.grace_period_minutes)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)
