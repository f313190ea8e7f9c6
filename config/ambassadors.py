"""Settings of the ambassadors pipeline (`[communities.ambassadors]`).

Every key has a default, so a community that says nothing gets a weekly card of candidates in the strategy
channel of each platform on Monday at 10:00 and a monthly thank-you draft; granting a role needs the role (Discord)
or user group (Slack) to be named here, and without one an accepted ambassador is recorded and thanked but given
nothing on that platform (the CM's answer says so).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from config.base import Section

_TARGET = re.compile(r"^(discord|slack|console):\S{1,80}$")


class AmbassadorSettings(Section):
    enabled: bool = True
    discord_role: str | None = Field(default=None, description="Discord role id given to an accepted ambassador")
    slack_usergroup: str | None = Field(
        default=None, pattern=r"^S[A-Z0-9]{2,30}$", description="Slack user group (S…) an ambassador joins"
    )
    console_role: str | None = Field(default="ambassador", description="console role name given to an ambassador")
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    time: str = Field(default="10:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local time")
    lookback_weeks: int = Field(default=4, ge=1, le=12, description="complete weeks whose signals are read")
    candidates: int = Field(default=3, ge=1, le=10, description="at most this many candidates a week")
    min_score: int = Field(default=12, ge=1, le=1000, description="helpfulness score a candidate needs")
    min_active_weeks: int = Field(default=2, ge=1, le=12, description="weeks with activity a candidate needs")
    snooze_weeks: int = Field(default=12, ge=1, le=104, description="'Not now' keeps a member off the card this long")
    expire_weeks: int = Field(default=4, ge=1, le=52, description="an undecided candidate expires after this long")
    slipping_days: int = Field(
        default=21, ge=7, le=180, description="an ambassador silent this long is shown as slipping away"
    )
    thanks_day: int = Field(default=1, ge=1, le=28, description="day of the month the thank-you post is drafted")
    thanks_time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local")
    thanks_publish_after_days: int = Field(
        default=3, ge=1, le=20, description="the draft is scheduled this many days after it is written, at 11:00"
    )
    thanks_to: tuple[str, ...] = Field(
        default=(), description="where the thank-you goes (platform:channel); empty: each platform's welcome channel"
    )
    record_retention_days: int = Field(
        default=365, ge=30, le=3650,
        description="declined or expired candidates and removed ambassadors are erased after this long",
    )

    @field_validator("thanks_to")
    @classmethod
    def _targets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for target in value:
            if not _TARGET.match(target):
                raise ValueError(f"{target!r} must read platform:channel (discord, slack or console)")
        return value

    def role_for(self, platform: str) -> str | None:
        """The role (Discord, console) or user group (Slack) an ambassador gets on `platform`."""
        return {"discord": self.discord_role, "slack": self.slack_usergroup, "console": self.console_role}.get(
            platform)
