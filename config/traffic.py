"""Settings of traffic and conversions (`[communities.traffic]`): the web analytics the SMM already uses, the
thresholds of the conversion rule, and where members come from (invite links, cohorts).

Tokens never live here: each connector names the environment variable that holds its token.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from config.base import Section

_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not an environment variable name (upper case, digits, '_')")
    return value


def _http_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError(f"{value!r} must be an http(s) URL, e.g. https://plausible.io")
    return value.rstrip("/")


class _ConnectorSettings(Section):
    """What every pull connector has: the instance's `base_url` (http or https) and the name of the environment
    variable that holds its token (the token itself never sits in the config file)."""

    base_url: str
    token_env: str

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("token_env")
    @classmethod
    def _env(cls, value: str) -> str:
        return _env_name(value)


class PlausibleSettings(_ConnectorSettings):
    """Plausible's Stats API (v2): `base_url` of the instance, the site's domain as `site_id`, the goals that
    count as conversions; the API key is read from the environment variable `token_env`."""

    base_url: str = "https://plausible.io"
    site_id: str
    goals: tuple[str, ...] = Field(default=(), description="goal names counted as conversions (none: no conversions)")
    token_env: str = "PLAUSIBLE_API_KEY"


class MatomoSettings(_ConnectorSettings):
    """Matomo's Reporting API: `base_url` of the instance (where index.php lives), the numeric `site_id`; the
    token_auth is read from the environment variable `token_env`. Needs the Marketing Campaigns Reporting
    plugin (bundled with Matomo Cloud) for the campaign source."""

    site_id: int = Field(ge=1)
    token_env: str = "MATOMO_TOKEN_AUTH"


class TrafficSettings(Section):
    """Traffic from the community and the conversion rule behind the report's advice."""

    community_sources: tuple[str, ...] = Field(
        default=(), description="utm_source values that count as 'from the community' (default: the community's "
        "platforms, which is what cmbot writes in its links)"
    )
    pull_time: str = Field(default="05:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
                           description="HH:MM local time of the daily pull from the connectors")
    pull_days: int = Field(default=3, ge=1, le=31, description="days pulled again each time (late data settles)")
    plausible: PlausibleSettings | None = None
    matomo: MatomoSettings | None = None
    advice_min_visits: int = Field(default=50, ge=1, description="fewer community visits: too few to judge")
    advice_low_conversion: float = Field(
        default=0.02, ge=0, le=1, description="conversion below this while visits grow: invest in community management"
    )
    advice_high_conversion: float = Field(
        default=0.05, ge=0, le=1, description="conversion at or above this while visits stagnate: invest in reach"
    )
    advice_growing_visits: float = Field(
        default=0.10, ge=0, le=10, description="visits up by at least this share on the previous weeks: growing"
    )
    advice_stagnant_visits: float = Field(
        default=0.05, ge=0, le=10, description="visits up by less than this share on the previous weeks: stagnant"
    )
    advice_history_weeks: int = Field(default=4, ge=1, le=12, description="previous weeks the visits compare with")
    activation_days: int = Field(default=7, ge=1, le=60, description="a newcomer who posts within this many "
                                 "days of joining is activated (campaign cohorts)")

    @model_validator(mode="after")
    def _ordered(self) -> TrafficSettings:
        if self.advice_low_conversion > self.advice_high_conversion:
            raise ValueError("advice_low_conversion must not exceed advice_high_conversion")
        if self.advice_stagnant_visits > self.advice_growing_visits:
            raise ValueError("advice_stagnant_visits must not exceed advice_growing_visits")
        if self.plausible is not None and self.matomo is not None:
            raise ValueError("configure one connector, [plausible] or [matomo]: each pull replaces whole days, "
                             "so two would overwrite each other")
        return self

    @field_validator("community_sources")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.strip().lower() for v in value if v.strip())
