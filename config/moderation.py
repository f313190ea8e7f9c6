"""Settings of the moderation feature (`[communities.moderation]`)."""

from __future__ import annotations

from config.base import Section


class ModerationSettings(Section):
    enabled: bool = True
