"""Settings of the engagement log, the weekly report and privacy (`[communities.engagement]`, `.report`,
`.privacy`)."""

from __future__ import annotations

from config.base import Section


class EngagementSettings(Section):
    enabled: bool = True


class ReportSettings(Section):
    enabled: bool = True


class PrivacySettings(Section):
    engagement_retention_days: int = 396
