"""Settings of the welcome feature (`[communities.welcome]`)."""

from __future__ import annotations

from config.base import Section


class WelcomeSettings(Section):
    enabled: bool = True
