"""The crash test against the Discord fake: the real discord.py client in a subprocess, killed mid-delivery.

Discord's message history does not return nonces, so after a kill between the send and `published` the bot
recognises its post by author, time and text (bot/platforms/discord/lookup.py) and marks it published without
sending it again. Killed before the send, the lookup finds none of our messages and the post goes out once.
The fake's nonce guard is off: a second send would show as a second message.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target, create_post
from tests.configs import brand_on_discord
from tests.fakes.discord_fake import FakeDiscord
from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
NEWS, STRATEGY = "7", "8"


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


@pytest.mark.parametrize("point", ["claimed", "sent"])
async def test_killed_mid_delivery_on_discord(tmp_path, point):
    fake = FakeDiscord(token="fake-token", guild_ids=("100",))
    fake.nonce_window_seconds = 0
    await fake.start()
    db = tmp_path / "bot.db"
    config = tmp_path / "cmbot.toml"
    config.write_text(brand_on_discord(db, STRATEGY), encoding="utf-8")
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
        await wait_published(db)
        await stop(second)
        assert len(fake.channel_messages[NEWS]) == 1
        assert not fake.requests_to("POST", f"/channels/{STRATEGY}/messages")  # nothing left for the CMs
        with sqlite3.connect(db) as conn:
            ledger = conn.execute("SELECT status, message_id FROM calendar_deliveries").fetchall()
        assert ledger == [("published", fake.channel_messages[NEWS][0]["id"])]
    finally:
        await fake.stop()


async def wait_published(db: Path) -> None:
    """Bounded poll of the ledger (another process writes it) until the delivery is settled."""
    async with asyncio.timeout(PATIENCE):
        while True:
            with sqlite3.connect(db) as conn:
                rows = conn.execute("SELECT status FROM calendar_deliveries").fetchall()
            if rows and rows[0][0] != "sending":
                return
            await asyncio.sleep(0.05)
