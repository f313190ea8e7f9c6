"""Settings of the content calendar (`[communities.calendar]`)."""

from __future__ import annotations

from config.base import Section


class CalendarSettings(Section):
    enabled: bool = True
