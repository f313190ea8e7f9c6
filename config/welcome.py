"""Settings of the welcome feature (`[communities.welcome]`).

Every key has a default, so a community that says nothing gets a working welcome: the catalogue's message in the
community's locale, posted in the `welcome` channel of each platform, no direct message, raid batching past 10
joins in 60 seconds and no follow-up nudge. Templates written here may use only the placeholders listed in
`WELCOME_PLACEHOLDERS`; a misspelt one is refused at start so the community never sees `{membre}` verbatim.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from config.base import Section

# The only values a welcome template may show. Anything else in braces (`{member.__class__}`, `{0}`) stays literal.
WELCOME_PLACEHOLDERS = ("member", "name", "community", "member_count", "rules")
FOLLOWUP_PLACEHOLDERS = ("member", "name", "community", "days")
TEMPLATE_MAX = 1500  # leaves room under Discord's 2,000 characters once names are filled in
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,40})(?::[a-z_]{1,20})?\}")


def _check_template(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not value.strip():
        raise ValueError("must not be empty (remove the key to use the shipped text)")
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(value)} - set(allowed))
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise ValueError(f"unknown placeholder {names}; use only " + ", ".join("{" + a + "}" for a in allowed))
    return value


class PlatformTemplates(Section):
    """A welcome template per platform; a platform left out uses `template`."""

    discord: str | None = Field(default=None, max_length=TEMPLATE_MAX)
    slack: str | None = Field(default=None, max_length=TEMPLATE_MAX)
    console: str | None = Field(default=None, max_length=TEMPLATE_MAX)

    @field_validator("discord", "slack", "console")
    @classmethod
    def _placeholders(cls, value: str | None) -> str | None:
        return _check_template(value, WELCOME_PLACEHOLDERS)


class WelcomeSettings(Section):
    """Welcome, onboarding DM, raid batching and the follow-up nudge of members who have not posted yet."""

    enabled: bool = True
    template: str | None = Field(
        default=None,
        max_length=TEMPLATE_MAX,
        description="welcome text with {member} {name} {community} {member_count} {rules}; default: the catalogue's",
    )
    templates: PlatformTemplates = PlatformTemplates()
    dm: bool = Field(default=False, description="also send the onboarding text as a direct message")
    dm_text: str | None = Field(
        default=None, max_length=TEMPLATE_MAX, description="onboarding text (same placeholders); default: catalogue"
    )
    raid_joins: int = Field(default=10, ge=2, le=10_000, description="this many joins within raid_seconds is a raid")
    raid_seconds: int = Field(default=60, ge=5, le=3600, description="the raid window, and how often a batch is posted")
    raid_mentions: int = Field(default=25, ge=0, le=50, description="newcomers pinged by name in one batched welcome")
    followup: bool = Field(default=False, description="nudge members who have not posted followup_days after joining")
    followup_days: int = Field(default=7, ge=1, le=90)
    followup_via: Literal["dm", "channel"] = Field(
        default="dm", description="dm (falls back to the onboarding channel) or a mention in the onboarding channel"
    )
    followup_text: str | None = Field(
        default=None, max_length=TEMPLATE_MAX, description="nudge text with {member} {name} {community} {days}"
    )

    @field_validator("template", "dm_text")
    @classmethod
    def _welcome_placeholders(cls, value: str | None) -> str | None:
        return _check_template(value, WELCOME_PLACEHOLDERS)

    @field_validator("followup_text")
    @classmethod
    def _followup_placeholders(cls, value: str | None) -> str | None:
        return _check_template(value, FOLLOWUP_PLACEHOLDERS)

    def template_for(self, platform: str) -> str | None:
        """The configured template for `platform`, or None for the catalogue's."""
        return getattr(self.templates, platform, None) or self.template
