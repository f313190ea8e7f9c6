"""The crash test against the Discord fake: the real discord.py client in a subprocess, killed mid-delivery.

Discord's message history does not return nonces, so after a kill between the send and `published` the bot
cannot prove the post is there: it must report it to the CMs, not send it again. Killed before the send, the
lookup finds none of our messages and the post goes out once.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target, create_post
from tests.fakes.discord_fake import FakeDiscord
from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
NEWS, STRATEGY = "7", "8"
CONFIG = """
[bot]
database = "{db}"

[[communities]]
id = "brand"
name = "Brand"
locale = "en"

[communities.discord]
space_id = "100"
channels = {{ strategy = "{strategy}" }}
"""


async def start_bot(config: Path, fake: FakeDiscord, pause: str | None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.calendar.discord_bot", str(config), fake.api_base, fake.gateway_url,
        *([pause] if pause else []), cwd=ROOT, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)


async def kill_when_paused(process: asyncio.subprocess.Process, point: str) -> None:
    assert process.stderr is not None
    async with asyncio.timeout(PATIENCE):
        while line := await process.stderr.readline():
            if f"calendar: paused at {point}".encode() in line:
                process.send_signal(signal.SIGKILL)
                await process.wait()
                return
    pytest.fail("the bot ended without reaching the pause point")


async def stop(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(PATIENCE):
        await process.communicate()


@pytest.mark.parametrize(("point", "posts", "reported"), [("claimed", 1, False), ("sent", 1, True)])
async def test_killed_mid_delivery_on_discord(tmp_path, point, posts, reported):
    fake = await FakeDiscord(token="fake-token", guild_ids=("100",)).start()
    db = tmp_path / "bot.db"
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=db, strategy=STRATEGY), encoding="utf-8")
    store = Store.open(db)
    apply_all(store.db, [migrations])
    due = datetime.now(UTC) + timedelta(seconds=2)
    draft = PostDraft(community="brand", author=Actor("discord", "42"), body="Crash test on Discord",
                      targets=(Target("discord", NEWS),), timezone="Europe/Paris", publish_at=due)
    create_post(store.db, draft, Status.SCHEDULED, datetime.now(UTC))
    store.close()
    try:
        first = await start_bot(config, fake, pause=point)
        await kill_when_paused(first, point)
        sent_before = len(fake.requests_to("POST", f"/channels/{NEWS}/messages"))
        assert sent_before == (1 if point == "sent" else 0)
        if sent_before:
            assert fake.requests_to("POST", f"/channels/{NEWS}/messages")[0].json.get("nonce")

        second = await start_bot(config, fake, pause=None)
        watched = STRATEGY if reported else NEWS
        await fake.wait_for_request("POST", f"/channels/{watched}/messages", timeout=PATIENCE)
        await stop(second)
        assert len(fake.requests_to("POST", f"/channels/{NEWS}/messages")) == posts
        assert bool(fake.requests_to("POST", f"/channels/{STRATEGY}/messages")) is reported
    finally:
        await fake.stop()
