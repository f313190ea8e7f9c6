"""The terminal side of the console: every line the community sees, and the simulated clock's time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.actions import Content
from bot.platforms.console.community import BOT_NAME
from bot.platforms.console.render import indent_after_first, render_content


class Screen:
    def __init__(self, stdout: TextIO, name_of: Callable[[str], str], timezone_name: str) -> None:
        self.stdout = stdout
        self.name_of = name_of
        self.timezone_name = timezone_name
        self.zone = ZoneInfo(timezone_name)
        self.pending_clock: datetime | None = None
        self.clock_shown: datetime | None = None

    def print(self, text: str, end: str = "\n") -> None:
        if self.pending_clock is not None:
            pending, self.pending_clock = self.pending_clock, None
            self.show_clock(pending)
        self.stdout.write(text + end)
        self.stdout.flush()

    def show(self, where: str, content: Content, message_id: str | None = None) -> None:
        """A bot message as a block: `[#channel] cmbot: …  (m7)`."""
        prefix = f"[{where}] {BOT_NAME}: "
        suffix = f"  ({message_id})" if message_id else ""
        block = render_content(content, self.name_of)
        self.print(indent_after_first(prefix + block, len(prefix)) + suffix)

    def show_clock(self, instant: datetime) -> None:
        self.clock_shown = instant
        self.print(f"(clock: {instant.astimezone(self.zone):%Y-%m-%d %H:%M} {self.timezone_name})")

    def clock_stopped_at(self, instant: datetime) -> None:
        """The clock paused on its way for due work: say when, but only if the bot says something then."""
        self.pending_clock = instant
