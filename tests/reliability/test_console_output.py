"""Hostile console input: nothing a member types acts on the terminal, and huge lines cost linear work."""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.console import ConsolePlatform
from bot.platforms.console.screen import escaped
from bot.store import Store
from bot.wakeups import SteppedWakeups

ACTING = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200))
def test_escaped_text_never_acts_on_a_terminal_and_always_encodes(text):
    shown = escaped(text)
    assert not ACTING.search(shown)
    shown.encode("utf-8")  # strict: lone surrogates are escapes now
    if not ACTING.search(text):
        assert shown == text  # ordinary text, French typography and emoji untouched


async def started_console(settings, tmp_path):
    settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": tmp_path / "c.db"})})
    clock = SimulatedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(tmp_path / "c.db"), clock, wakeups, shipped_features())
    out = io.StringIO()
    console = ConsolePlatform("console", clock, app.services.commands, wakeups.run_due, stdin=io.StringIO(),
                              stdout=out)  # fmt: skip
    app.attach([console])
    await app.start()
    return app, console, out


async def test_member_text_with_escapes_bidi_nul_and_surrogates_is_shown_escaped(settings, tmp_path):
    app, console, out = await started_console(settings, tmp_path)
    try:
        hostile = "hi\x1b[2J\x1b]0;pwned\x07 \u202eevil\u202c \x00nul \ud800 end"
        await console.feed(f"say mallory #general {hostile}\n")
        await console.feed("join eve\u202e\n")
        await console.feed("say alice #general still fine\n")
    finally:
        await app.stop()
    printed = out.getvalue()
    assert not ACTING.search(printed)
    printed.encode("utf-8")
    assert "hi\\x1b[2J\\x1b]0;pwned\\x07 \\u202eevil\\u202c \\x00nul \\ud800 end" in printed
    assert "[#general] alice: still fine" in printed


async def calls_while(awaitable) -> int:
    """Python and C calls made on this thread while `awaitable` runs: counted like tests/moderation/work.py."""
    counted = 0

    def profile(_frame, event: str, _arg) -> None:
        nonlocal counted
        if event in ("call", "c_call"):
            counted += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        await awaitable
    finally:
        sys.setprofile(previous)
    return counted


async def test_a_huge_post_draft_and_a_line_of_ten_thousand_options_cost_linear_work(settings, tmp_path):
    """Counted, never timed: ten times the input, about ten times the calls (never a hundred)."""
    app, console, out = await started_console(settings, tmp_path)
    try:
        await console.feed("join sam[smm]\n")

        def draft(size: int) -> str:
            return f'cmd sam /post draft body="{"x" * size}" to=#news at="2026-12-01 10:00"\n'

        def options(count: int) -> str:
            return "cmd sam /post draft " + " ".join(f"o{i}=v" for i in range(count)) + "\n"

        await console.feed(draft(10))  # first use of each path (imports, caches) is not per-line work
        small, large = await calls_while(console.feed(draft(10_000))), await calls_while(console.feed(draft(100_000)))
        assert large <= small * 15, (small, large)
        few, many = await calls_while(console.feed(options(1_000))), await calls_while(console.feed(options(10_000)))
        assert many <= few * 15, (few, many)
    finally:
        await app.stop()
    printed = out.getvalue()
    assert re.search(r"100.000 .*40.000", printed), printed[-600:]  # the 100,000-character draft is refused, clearly
