"""SIGKILL `cmbot run` again and again while scheduled posts are due, on the Discord fake and on the Slack fake:
every post is published exactly once, counted on the fake's side (what members would see).

The whole bot runs as a subprocess, pointed at the fake through `[bot.endpoints]`. Each run is killed at a point
drawn (seeded; every round of five kills meets each point once) from: `ahead` (two posts due together were
read and rendered ahead of their instant, nothing claimed), `due` (before the claim), `claimed`
(ledger row `sending`, no platform call yet), `sent` (the platform accepted the post, the ledger is not
`published` yet; see tests/calendar/pause.py) and `wire` (an unpaused bot, killed the moment the fake receives
a post: before or after the answer reaches it, by chance). After each kill the bot starts again; at start-up
it settles the rows a kill left in `sending` by looking the post up on the platform (Slack: the key in the
message metadata; Discord: author, time and text, since its history hides nonces). The Discord fake's nonce
guard is off, so a second send would show as a second message.

`CMBOT_SOAK_KILLS` sets the kills per platform: 5 in the suite (one per point); 24 for the figures in
docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target, create_post
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, TEAM_ID, SlackFake
from tests.patience import PATIENCE
from tests.reliability.conftest import ROOT

POINTS = ("ahead", "due", "claimed", "sent", "wire")
KILLS = int(os.environ.get("CMBOT_SOAK_KILLS", str(len(POINTS))))
# Posts due this far ahead are read ahead once the bot is up; a start slower than that (a loaded machine) misses
# the point, and the next try gives twice as long (see `soak`).
AHEAD_IN = timedelta(seconds=15)
NEWS_DISCORD, NEWS_SLACK, STRATEGY_DISCORD, STRATEGY_SLACK = "7", "CNEWS", "8", "CSTRATEGY"
COMMUNITY = """
[bot]
database = "{db}"

[bot.endpoints]
{endpoints}

[[communities]]
id = "brand"
name = "Brand"
locale = "en"
"""
DISCORD = """
[communities.discord]
space_id = "100"
channels = {{ strategy = "8" }}
"""
SLACK = """
[communities.slack]
space_id = "{team}"
channels = {{ strategy = "CSTRATEGY" }}
"""


@dataclass
class Platform:
    """What differs between the two soaks: how the bot is pointed at the fake, and what the fake holds."""

    name: str
    channel: str
    strategy: str
    config: str
    env: dict[str, str]
    posted: Callable[[str], list[str]]  # the texts the fake holds in a channel, one per message members see
    requests: Callable[[], int]  # post requests the fake received so far


async def discord_platform(tmp_path: Path) -> tuple[Platform, FakeDiscord]:
    fake = FakeDiscord(token="fake-token", guild_ids=("100",))
    fake.nonce_window_seconds = 0
    await fake.start()
    endpoints = f'discord_api = "{fake.api_base}"\ndiscord_gateway = "{fake.gateway_url}"'
    config = COMMUNITY.format(db=tmp_path / "bot.db", endpoints=endpoints) + DISCORD.format()
    return Platform(
        "discord", NEWS_DISCORD, STRATEGY_DISCORD, config, {"DISCORD_TOKEN": "fake-token"},
        posted=lambda channel: [m["content"] for m in fake.channel_messages.get(channel, [])],
        requests=lambda: len(fake.requests_to("POST", f"/channels/{NEWS_DISCORD}/messages")),
    ), fake


async def slack_platform(tmp_path: Path) -> tuple[Platform, SlackFake]:
    fake = SlackFake()
    await fake.start()
    config = COMMUNITY.format(db=tmp_path / "bot.db", endpoints=f'slack_api = "{fake.api_base}"')
    config += SLACK.format(team=TEAM_ID)
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    return Platform(
        "slack", NEWS_SLACK, STRATEGY_SLACK, config, env,
        posted=lambda channel: [m.text for m in fake.messages if m.channel == channel and not m.deleted],
        requests=lambda: len([c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == NEWS_SLACK]),
    ), fake


def add_posts(db: Path, platform: str, channel: str, first: int, count: int,
              later: timedelta = timedelta()) -> list[str]:
    """Posts due now and over the next few seconds (or all together, `later` from now), written while no bot
    runs (as the CLI would)."""
    store = Store.open(db)
    try:
        apply_all(store.db, [migrations])
        now = datetime.now(UTC)
        bodies = [f"Soak post {n} on {platform}" for n in range(first, first + count)]
        for n, body in enumerate(bodies):
            draft = PostDraft(community="brand", author=Actor(platform, "42"), body=body,
                              targets=(Target(platform, channel),), timezone="Europe/Paris",
                              publish_at=now + later if later else now + timedelta(seconds=0.3 * n))
            create_post(store.db, draft, Status.SCHEDULED, now)
    finally:
        store.close()
    return bodies


def ledger(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter(dict(conn.execute("SELECT status, count(*) FROM calendar_deliveries GROUP BY status")))


async def start(platform: Platform, config: Path, pause: str | None) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    launcher = ["-m", "tests.calendar.paused_bot", pause] if pause else ["-m", "bot"]
    return await asyncio.create_subprocess_exec(
        sys.executable, *launcher, "--config", str(config), "run", "--platform", platform.name, cwd=ROOT,
        env=env | platform.env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)


async def kill_at(process: asyncio.subprocess.Process, platform: Platform, point: str,
                  due: datetime | None = None) -> bool:
    """SIGKILL the bot at `point`: a pause line on its stderr, or (`wire`) the fake receiving one more post.

    `due` is when the posts of the `ahead` point fall due: a bot that says it started and is still short of
    that pause once they are due started too late to read them ahead (its start took longer than their margin).
    It is killed then all the same, which is one more kill, and False says the point was missed."""
    assert process.stderr is not None
    reached = True
    async with asyncio.timeout(PATIENCE):
        if point == "wire":
            before = platform.requests()
            while platform.requests() == before and process.returncode is None:
                await asyncio.sleep(0.01)  # the fake runs in this loop: a bounded poll of what it received
        else:
            said: list[str] = []
            started = False
            try:
                while True:
                    wait = None
                    if started and due is not None:
                        wait = max((due - datetime.now(UTC)).total_seconds(), 0.0) + 1.0
                    try:
                        line = await asyncio.wait_for(process.stderr.readline(), wait)
                    except TimeoutError:
                        reached = False  # due, never read ahead: the start was too slow for this margin
                        break
                    if not line:
                        pytest.fail(f"the bot ended before pausing at {point}: " + "".join(said[-30:]))
                    said.append(line.decode(errors="replace"))
                    if f"calendar: paused at {point}" in said[-1]:
                        break
                    started = started or "cmbot started" in said[-1]
            except asyncio.CancelledError:  # the patience ran out: say what the bot was doing
                print(f"the bot never paused at {point}; its last lines:", *said[-30:], sep="\n")
                raise
        process.send_signal(signal.SIGKILL)
        await process.wait()
    return reached


async def soak(tmp_path: Path, platform: Platform) -> tuple[list[str], Counter[str]]:
    db = tmp_path / "bot.db"
    config = tmp_path / "cmbot.toml"
    config.write_text(platform.config, encoding="utf-8")
    bodies = add_posts(db, platform.name, platform.channel, 0, 3)
    draw = random.Random(f"soak-{platform.name}")
    points = [point for _ in range(-(-KILLS // len(POINTS))) for point in draw.sample(POINTS, len(POINTS))]
    for point in points[:KILLS]:
        margin = AHEAD_IN
        while True:
            due = None
            if point == "ahead":  # two posts due together, far enough ahead to be read ahead (2 s before them)
                due = datetime.now(UTC) + margin
                bodies += add_posts(db, platform.name, platform.channel, len(bodies), 2, later=margin)
            else:  # fresh posts due at once, so every run has one to claim, whatever the last kill left settled
                bodies += add_posts(db, platform.name, platform.channel, len(bodies), 2)
            process = await start(platform, config, None if point == "wire" else point)
            try:
                reached = await kill_at(process, platform, point, due)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
            if reached:
                break
            margin *= 2  # the start was slower than the margin: the next posts are due twice as far ahead
            assert margin.total_seconds() <= PATIENCE, "the bot never started within the patience"
    final = await start(platform, config, None)
    try:
        async with asyncio.timeout(PATIENCE):
            while ledger(db)["published"] < len(bodies):
                await asyncio.sleep(0.05)  # another process writes the ledger: a bounded poll
    finally:
        final.send_signal(signal.SIGTERM)
        async with asyncio.timeout(PATIENCE):
            await final.communicate()
    return bodies, ledger(db)


@pytest.mark.parametrize("build", [discord_platform, slack_platform], ids=["discord", "slack"])
async def test_repeated_sigkills_while_posts_are_due_publish_each_post_exactly_once(tmp_path, build):
    platform, fake = await build(tmp_path)
    try:
        bodies, statuses = await soak(tmp_path, platform)
        shown = Counter(platform.posted(platform.channel))
        reports = platform.posted(platform.strategy)
    finally:
        await fake.stop()
    print(f"{platform.name}: {KILLS} kills, {len(bodies)} posts, {platform.requests()} send requests, "
          f"ledger {dict(statuses)}")
    assert statuses == Counter(published=len(bodies))  # none lost, none left uncertain for a CM
    assert shown == Counter({body: 1 for body in bodies})  # each post once in the channel: none doubled
    assert reports == []  # nothing was reported missed or uncertain
