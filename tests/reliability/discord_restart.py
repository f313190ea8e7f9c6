"""A restart of the real calendar on Discord (real discord.py against the fake) over a database a crash left:
the shared harness of the crash-recovery tests. The caller's `prepare` writes what the kill left (rows claimed,
messages already on Discord) before the bot starts; the bot starts (which reconciles, then sends what was not
sent) and stops; what the channels and the ledger hold afterwards is returned."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.calendar import feature
from bot.store import Store
from bot.store.migrations import apply_all
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from handlers.calendar import posts as ledger
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target
from tests.configs import brand_on_discord
from tests.discord.conftest import make_platform
from tests.fakes.discord_fake import FakeDiscord

NEWS, STRATEGY = "710", "8"
def claim_stuck_post(store: Store, now: datetime, body: str) -> int:
    """A post due a minute ago on the news channel, claimed (`sending`) 30 s ago: a kill came after the claim."""
    due = now - timedelta(minutes=1)
    target = Target("discord", NEWS)
    draft = PostDraft(community="brand", author=Actor("discord", "42"), body=body, targets=(target,),
                      timezone="Europe/Paris", publish_at=due)
    post_id = ledger.create_post(store.db, draft, Status.SCHEDULED, now - timedelta(hours=1))
    post = ledger.get_post(store.db, post_id)
    assert post is not None
    ledger.transition(store.db, post_id, Status.SENDING, ledger.SYSTEM, now, action="send",
                      expect={Status.SCHEDULED})
    assert ledger.claim_delivery(store.db, post, due, target, now - timedelta(seconds=30), late=False)
    return post_id


@dataclass(frozen=True)
class Restarted:
    channels: dict[str, list[dict[str, Any]]]  # channel id -> the messages in it, oldest first
    ledger: list[tuple[str, str | None]]  # (status, message id) of each delivery row, in claim order

    def texts(self, channel: str) -> list[str]:
        """Each message's text: its content, or its cards' descriptions."""
        return [m["content"] or "".join(e.get("description", "") for e in m.get("embeds", []))
                for m in self.channels.get(channel, [])]


async def restart_after(prepare: Callable[[Store, FakeDiscord, datetime], None]) -> Restarted:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = FakeDiscord(guild_ids=("100",))
    fake.nonce_window_seconds = 0
    await fake.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bot.db"
            now = datetime.now(UTC)
            crashed = Store.open(db_path)
            apply_all(crashed.db, [migrations])
            prepare(crashed, fake, now)
            crashed.close()
            config = parse_settings(brand_on_discord(db_path, STRATEGY), "restart.toml")
            clock = SimulatedClock(now)
            app = App(config, Store.open(db_path), clock, SteppedWakeups(clock), features=[feature])
            app.attach([make_platform(fake, config, app.services.commands)])
            await app.start()
            await app.stop()
            store = Store.open(db_path)
            rows = store.db.execute("SELECT status, message_id FROM calendar_deliveries ORDER BY id").fetchall()
            store.close()
    finally:
        await fake.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway
    return Restarted(dict(fake.channel_messages), [(status, message_id) for status, message_id in rows])
