"""The terminal side of the console: every line the community sees, and the simulated clock's time.

Whatever reaches the terminal passes `escaped` first: members' text may hold control characters, ESC
sequences (which a terminal would obey: clear the screen, retitle the window, rewrite a line), NUL, bidi
overrides (which reorder what a reader sees) or lone surrogates (which cannot be encoded). Each is shown as a
visible escape (`\\x1b`, `\\u202e`) instead; tabs and the newlines of the bot's own multi-line blocks are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.actions import Content
from bot.platforms.console.community import BOT_NAME
from bot.platforms.console.render import indent_after_first, render_content
from bot.platforms.console.words import Words

PROMPT = "cmbot> "
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 controls but tab and newline, DEL, C1 controls (ESC is \x1b)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides and isolates
    "\u2028\u2029\ud800-\udfff]"  # line and paragraph separators; lone surrogates
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """`text` safe for a terminal: every character that could act on it, or not encode, shown as an escape."""
    return _UNSAFE.sub(_visible, text)


class Screen:
    def __init__(self, stdout: TextIO, name_of: Callable[[str], str], timezone_name: str,
                 words: Words | None = None) -> None:
        self.stdout = stdout
        self.words = words or Words()
        self.name_of = name_of
        self.timezone_name = timezone_name
        self.zone = ZoneInfo(timezone_name)
        self.pending_clock: datetime | None = None
        self.clock_shown: datetime | None = None
        self.holding: list[str] | None = None  # what is printed goes here instead of the terminal (`hold`)
        self.prompt_open = False  # the prompt waits on the terminal's current line for the member's input

    def prompt(self) -> None:
        self.print(PROMPT, end="")
        self.prompt_open = True

    def close_prompt(self) -> bool:
        """End the prompt's line if it is open, so a log line written to the same terminal starts on its own
        line instead of after `cmbot> `; True when it was open (the caller shows the prompt again)."""
        if not self.prompt_open:
            return False
        self.prompt_open = False
        self.stdout.write("\n")
        self.stdout.flush()
        return True

    def print(self, text: str, end: str = "\n") -> None:
        if self.pending_clock is not None:
            pending, self.pending_clock = self.pending_clock, None
            self.show_clock(pending)
        shown = _UNSAFE.sub(_visible, text) + end  # `escaped`, called here without a call of its own
        if self.holding is not None:
            self.holding.append(shown)
            return
        self.stdout.write(shown)
        self.stdout.flush()

    def hold(self) -> list[str]:
        """Keep what is printed from now on in the list returned, until the caller sets `holding` back to None
        and writes the list (`write`): the console shows a post only once the database remembers it, so a crash
        in between never leaves a post on screen that a restart would send again."""
        self.holding = []
        return self.holding

    def write(self, lines: list[str]) -> None:
        """Show lines that were held."""
        self.stdout.write("".join(lines))
        self.stdout.flush()

    def show(self, where: str, content: Content, message_id: str | None = None, files: tuple[str, ...] = (),
             text: str | None = None) -> None:
        """A bot message as a block: `[#channel] cmbot: …  (m7)`; `files` are the paths its files were written to;
        `text`: its text already rendered (`render.shown_and_kept`), when the caller has it."""
        prefix = f"[{where}] {BOT_NAME}: "
        block = prefix + render_content(content, self.name_of, self.words, text)
        for path in files:
            block += "\n  " + self.words("file", path=path)
        if "\n" in block:
            block = indent_after_first(block, len(prefix))
        self.print(f"{block}  ({message_id})" if message_id else block)

    def show_clock(self, instant: datetime) -> None:
        self.clock_shown = instant
        self.print(self.words("clock", time=f"{instant.astimezone(self.zone):%Y-%m-%d %H:%M}", zone=self.timezone_name))

    def clock_stopped_at(self, instant: datetime) -> None:
        """The clock paused on its way for due work: say when, but only if the bot says something then."""
        self.pending_clock = instant
