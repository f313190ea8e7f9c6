"""A flagged message's turns of the event loop, counted: each turn is a wait on the selector (a system call)
and a pass over the loop's queues, so the flag path keeps them few.

The bot runs on a loop whose selector counts its calls (the loop's public constructor takes the selector); the
store's thread does the writes as in production. A clean message costs no turn at all: its handlers never
wait. A flagged one costs four: its later step starts and asks for the trip at once (1: the flag joined the
waiting list on the message's own turn, so no turn is let go by for the flags decided beside it, which made
five), waits for the store's thread (2), goes on with the committed flag's card (3), and the caller of `settle`
wakes as the step ends (4), not one turn after it, through the task's done callback (which made six).
"""

from __future__ import annotations

import asyncio
import selectors
from datetime import timedelta

from bot.events import Member
from tests.moderation.conftest import Bot
from tests.moderation.test_flag_path import OFFENSIVE

FLAGS = 20
TURNS_PER_FLAG = 4


class CountingSelector(selectors.DefaultSelector):
    """The platform's selector, counting how often the loop waits on it (once per turn of the loop)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits = 0

    def select(self, timeout: float | None = None):
        self.waits += 1
        return super().select(timeout)


async def post(bot: Bot, texts: list[str], name: str) -> None:
    for index, text in enumerate(texts):  # a member each, half an hour apart: no flood or spike rule
        await bot.post(text, member=Member(f"{name}{index}", f"{name} {index}"), after=timedelta(minutes=30))


def test_a_flagged_message_costs_four_turns_of_the_loop_and_a_clean_one_none(tmp_path):
    selector = CountingSelector()

    async def scenario() -> tuple[int, int, int]:
        bot = await Bot(tmp_path).start()
        try:
            await post(bot, list(OFFENSIVE[:2]), "warm")  # the engines are built on first use
            before = selector.waits
            await post(bot, [OFFENSIVE[i % len(OFFENSIVE)] for i in range(FLAGS)], "member")
            flagged = selector.waits - before
            before = selector.waits
            await post(bot, ["what a lovely day for a walk by the river"] * FLAGS, "calm")
            return flagged, selector.waits - before, len(bot.flags())
        finally:
            await bot.stop()

    with asyncio.Runner(loop_factory=lambda: asyncio.SelectorEventLoop(selector)) as runner:
        flagged, clean, flags = runner.run(scenario())
    assert flags == FLAGS + 2
    assert clean == 0
    assert flagged <= TURNS_PER_FLAG * FLAGS
