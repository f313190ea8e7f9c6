"""Property: whatever the order of activity, launches, opt-outs, links and restarts, a DM survey goes exactly to
the members a naive model picks (active in the window, not staff, not opted out, not asked within the period,
a person's linked accounts counting as one), once each, and never twice to the same person within
`repeat_days`."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.actions import DirectMessage
from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from handlers.privacy.accounts import Account, link
from tests.recording import RecordingPlatform
from tests.surveys.conftest import START, TOML, World

PEOPLE = ("ann", "ben", "cat")
ACCOUNTS = (*PEOPLE, *(f"{p}2" for p in PEOPLE))  # a second account each, linked to the first by `link`
REPEAT_DAYS, ACTIVE_WEEKS = 10, 2
DAY = 86_400
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("speak"), st.sampled_from(ACCOUNTS)),
    st.tuples(st.just("launch"), st.sampled_from(("nps", "csat"))),
    st.tuples(st.just("wait"), st.integers(1, 12)),  # days
    st.tuples(st.just("opt_out"), st.sampled_from(ACCOUNTS)),
    st.tuples(st.just("opt_in"), st.sampled_from(ACCOUNTS)),
    st.tuples(st.just("link"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("restart"), st.just("")),
), max_size=25)


class Timed(RecordingPlatform):
    """Remembers when each DM went out, and to whom."""

    def __init__(self, clock: SimulatedClock) -> None:
        super().__init__()
        self.clock = clock
        self.sent: list[tuple[int, str]] = []

    async def execute(self, action):
        if isinstance(action, DirectMessage):
            self.sent.append((int(self.clock.now().timestamp()), action.member_id))
        return await super().execute(action)


class Model:
    def __init__(self) -> None:
        self.spoke: dict[str, int] = {}
        self.opted: set[str] = set()
        self.linked: set[str] = set()  # people whose two accounts are linked
        self.asked: dict[str, list[int]] = {}  # account -> times a survey was queued to it

    def group(self, account: str) -> set[str]:
        person = account.removesuffix("2")
        return {person, f"{person}2"} if person in self.linked else {account}

    def launch(self, now: int) -> list[str]:
        chosen: list[str] = []
        for account in sorted(a for a, at in self.spoke.items() if at >= now - ACTIVE_WEEKS * 7 * DAY):
            group = self.group(account)
            if group & set(chosen) or group & self.opted:
                continue
            if any(t >= now - REPEAT_DAYS * DAY for a in group for t in self.asked.get(a, [])):
                continue
            chosen.append(account)
        for account in chosen:
            self.asked.setdefault(account, []).append(now)
        return chosen


async def play(operations: list[tuple[str, str | int]], folder: Path) -> None:
    config = TOML.format(locale="en", fallback="lobby",
                         surveys=f"repeat_days = {REPEAT_DAYS}\nactive_weeks = {ACTIVE_WEEKS}\ndms_per_minute = 600")
    settings_ = parse_settings(config, "test.toml")
    clock = SimulatedClock(START)
    platform = Timed(clock)

    async def boot() -> World:
        wakeups = SteppedWakeups(clock)
        app = App(settings_, Store.open(folder / "cmbot.db"), clock, wakeups, shipped_features())
        app.attach([platform])
        await app.start()
        return World(app, platform, clock, wakeups, folder / "cmbot.db")

    world, model = await boot(), Model()
    try:
        for operation, value in operations:
            now = int(clock.now().timestamp())
            if operation == "speak":
                await world.say(str(value))
                model.spoke[str(value)] = now
            elif operation == "wait":
                await world.advance(timedelta(days=int(value)))
            elif operation in ("opt_out", "opt_in"):
                await world.command(str(value), f"survey {operation.replace('_', '-')}")
                (model.opted.update if operation == "opt_out" else model.opted.difference_update)(
                    model.group(str(value)))
            elif operation == "link":
                person = str(value)
                await world.app.services.store.run(lambda db, p=person: link(
                    db, "demo", Account("console", p), Account("console", f"{p}2"), clock.now()))
                model.linked.add(person)
            elif operation == "restart":
                await world.stop()
                world = await boot()
            else:
                mark = len(platform.sent)
                await world.command("sam", f"survey new kind={value} where=dm", roles=("smm",))
                queued = sorted(m for _, m in platform.sent[mark:])
                assert queued == model.launch(now), (operations, now, queued)
        times: dict[str, list[int]] = {}
        for at, member in platform.sent:
            times.setdefault(member, []).append(at)
        for member, sent in times.items():
            assert all(b - a >= REPEAT_DAYS * DAY for a, b in itertools.pairwise(sent)), (member, sent)
    finally:
        await world.stop()


@settings(max_examples=12)
@given(OPERATIONS)
@example([("link", "ann"), ("speak", "ann"), ("speak", "ann2"), ("launch", "nps")])  # one person, two accounts
@example([("speak", "ann2"), ("launch", "nps"), ("link", "ann"), ("speak", "ann"), ("wait", 1),
          ("launch", "csat"), ("wait", 10), ("speak", "ann"), ("launch", "nps")])  # asked on the other account
@example([("link", "ben"), ("opt_out", "ben2"), ("speak", "ben"), ("launch", "nps"), ("opt_in", "ben"),
          ("launch", "csat")])  # one person, one choice
@example([("speak", "cat"), ("opt_out", "cat"), ("link", "cat"), ("speak", "cat2"), ("restart", ""),
          ("launch", "nps")])  # a refusal made before the link still counts
def test_a_dm_survey_reaches_exactly_the_eligible_members_and_never_twice_in_the_period(operations):
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(play(operations, Path(folder)))
