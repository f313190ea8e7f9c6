"""The settings schema: one TOML file for everything but secrets, which come from the environment.

A community is one brand's audience: a Discord guild and/or a Slack workspace (and, for demos, the console's
simulated space) looked after by one team. It owns the locale, the timezone, the role model and the channels
every feature uses on each platform.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.ambassadors import AmbassadorSettings
from config.base import Section
from config.calendar import CalendarSettings
from config.endpoints import Endpoints
from config.engagement import EngagementSettings, PrivacySettings, ReportSettings
from config.feedback import FeedbackSettings
from config.moderation import ModerationSettings
from config.polls import PollSettings
from config.surveys import SurveySettings
from config.traffic import TrafficSettings
from config.welcome import WelcomeSettings

Locale = Literal["fr", "en"]
PLATFORM_KEYS = ("discord", "slack", "console")
_COMMUNITY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class RoleModel(Section):
    """Who may do what. Discord: role ids. Slack: user ids (U…) or user-group ids (S…). Console: role names."""

    smm: tuple[str, ...] = ()
    cm: tuple[str, ...] = ()
    admin: tuple[str, ...] = ()


class ChannelMap(Section):
    """The channels each feature uses on one platform (ids on Discord and Slack, names on the console)."""

    welcome: str | None = None
    rules: str | None = None
    moderation: str | None = None
    strategy: str | None = None
    onboarding: str | None = None
    help: tuple[str, ...] = ()
    feedback: tuple[str, ...] = ()
    surveys: str | None = None  # where a DM survey goes, mentioning the member, when their DMs are closed
    inbox: str | None = None  # the feedback inbox's cards; default: the moderation channel
    observations: str | None = None  # shadow-mode flags (`moderation.observations`); default: a digest in moderation


class PlatformSpace(Section):
    """One community's presence on one platform."""

    space_id: str = Field(description="Discord guild id, Slack team id (T…), or any name on the console")
    roles: RoleModel = RoleModel()
    channels: ChannelMap = ChannelMap()


class Community(Section):
    id: str
    name: str
    locale: Locale = "fr"
    timezone: str = "Europe/Paris"
    discord: PlatformSpace | None = None
    slack: PlatformSpace | None = None
    console: PlatformSpace | None = None
    welcome: WelcomeSettings = WelcomeSettings()
    moderation: ModerationSettings = ModerationSettings()
    calendar: CalendarSettings = CalendarSettings()
    engagement: EngagementSettings = EngagementSettings()
    report: ReportSettings = ReportSettings()
    privacy: PrivacySettings = PrivacySettings()
    traffic: TrafficSettings = TrafficSettings()
    polls: PollSettings = PollSettings()
    surveys: SurveySettings = SurveySettings()
    feedback: FeedbackSettings = FeedbackSettings()
    ambassadors: AmbassadorSettings = AmbassadorSettings()

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _COMMUNITY_ID.match(value):
            raise ValueError("must be a short slug: lowercase letters, digits, '-' or '_' (at most 40)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {value!r} (for example 'Europe/Paris')") from None
        return value

    @model_validator(mode="after")
    def _on_some_platform(self) -> Community:
        if not any(getattr(self, key) for key in PLATFORM_KEYS):
            raise ValueError("a community needs at least one of [discord], [slack] or [console]")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def space(self, platform: str) -> PlatformSpace | None:
        return getattr(self, platform, None) if platform in PLATFORM_KEYS else None


class BotSettings(Section):
    database: Path = Path("cmbot.db")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    endpoints: Endpoints = Endpoints()


class Settings(Section):
    bot: BotSettings = BotSettings()
    communities: tuple[Community, ...]

    @field_validator("communities")
    @classmethod
    def _at_least_one(cls, value: tuple[Community, ...]) -> tuple[Community, ...]:
        if not value:
            raise ValueError("declare at least one [[communities]] table")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Settings:
        seen_ids: set[str] = set()
        seen_spaces: dict[tuple[str, str], str] = {}
        for community in self.communities:
            if community.id in seen_ids:
                raise ValueError(f"community id {community.id!r} is used twice")
            seen_ids.add(community.id)
            for key in PLATFORM_KEYS:
                space = community.space(key)
                if space is None:
                    continue
                owner = seen_spaces.setdefault((key, space.space_id), community.id)
                if owner != community.id:
                    raise ValueError(
                        f"{key} space {space.space_id!r} is claimed by both {owner!r} and {community.id!r}"
                    )
        return self


class Secrets(BaseSettings):
    """Tokens, read from the environment only: they never belong in the TOML file or the repository."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    DISCORD_TOKEN: SecretStr | None = None
    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None

    @property
    def has_discord(self) -> bool:
        return self.DISCORD_TOKEN is not None

    @property
    def has_slack(self) -> bool:
        return self.SLACK_BOT_TOKEN is not None and (
            self.SLACK_APP_TOKEN is not None or self.SLACK_SIGNING_SECRET is not None
        )
