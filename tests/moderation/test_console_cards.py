"""The console plays a script line by line: a flag's card, posted once the flag is written, still shows right
after the message that raised it and before the next line, so a script (and its reader) can click it."""

from __future__ import annotations

from tests.moderation.conftest import Bot, play_on_console


async def test_each_card_shows_after_its_message_and_before_the_next_line(tmp_path):
    text = await play_on_console(Bot(tmp_path), ["join alice", "join bob", "say alice #general fuck you",
                                      "say bob #general see you at the meetup", "say alice #general espèce de connard",
                                      "click claire[cm] m2 mod:dismiss:1"])  # fmt: skip
    lines = text.splitlines()

    def at(fragment: str) -> int:
        return next(index for index, line in enumerate(lines) if fragment in line)

    assert at("alice: fuck you") < at("Flag #1") < at("bob: see you at the meetup")
    assert at("bob: see you at the meetup") < at("alice: espèce de connard") < at("Flag #2")
    assert at("Flag #2") < at("[#modq edited m2]") < at("Flag #1: Dismissed.")  # the card clicked was there
