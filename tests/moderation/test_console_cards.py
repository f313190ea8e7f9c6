"""The console plays a script line by line: a flag's card, posted once the flag is written, still shows right
after the message that raised it and before the next line, so a script (and its reader) can click it."""

from __future__ import annotations

import io

from bot.clock import SimulatedClock
from bot.platforms.console.platform import ConsolePlatform
from tests.moderation.conftest import Bot


async def play(bot: Bot, lines: list[str]) -> str:
    out = io.StringIO()
    clock = bot.clock
    assert isinstance(clock, SimulatedClock)
    console = ConsolePlatform("console", clock, bot.app.services.commands, lambda: None, io.StringIO(), out)
    bot.app.platforms[:] = [console]
    await bot.app.start()
    try:
        for line in lines:
            await console.feed(line + "\n")
    finally:
        await bot.app.stop()
    return out.getvalue()


async def test_each_card_shows_after_its_message_and_before_the_next_line(tmp_path):
    text = await play(Bot(tmp_path), ["join alice", "join bob", "say alice #general fuck you",
                                      "say bob #general see you at the meetup", "say alice #general espèce de connard",
                                      "click claire[cm] m2 mod:dismiss:1"])  # fmt: skip
    lines = text.splitlines()

    def at(fragment: str) -> int:
        return next(index for index, line in enumerate(lines) if fragment in line)

    assert at("alice: fuck you") < at("Flag #1") < at("bob: see you at the meetup")
    assert at("bob: see you at the meetup") < at("alice: espèce de connard") < at("Flag #2")
    assert at("Flag #2") < at("[#modq edited m2]") < at("Flag #1: Dismissed.")  # the card clicked was there
