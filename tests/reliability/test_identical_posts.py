"""Posts with the same text in the same channel, stuck in `sending` after a crash on Discord, some of them sent:
the start-up reconciliation (the real calendar, discord.py against the fake) ends with exactly one message per
post, each attributed to one post, whatever the mix. Discord recognises a post by author, time and text, so
identical posts can only be told apart by the ledger's own attributions (`FindPost.taken`); the naive
reference is a count: as many messages as posts, as many distinct message ids in the ledger as messages.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

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
from tests.discord.conftest import make_platform
from tests.fakes.discord_fake import FakeDiscord, user

NEWS, STRATEGY = "710", "8"
CONFIG = """
[bot]
database = "{db}"

[[communities]]
id = "brand"
name = "Brand"
locale = "en"

[communities.discord]
space_id = "100"
channels = {{ strategy = "8" }}
"""


def crashed_mid_delivery(db_path: Path, fake: FakeDiscord, sent: list[bool], now: datetime) -> None:
    """What the kills left: every post claimed (`sending`), those marked sent already on Discord."""
    store = Store.open(db_path)
    apply_all(store.db, [migrations])
    due = now - timedelta(minutes=1)
    target = Target("discord", NEWS)
    for was_sent in sent:
        draft = PostDraft(community="brand", author=Actor("discord", "42"), body="Daily tip", targets=(target,),
                          timezone="Europe/Paris", publish_at=due)
        post_id = ledger.create_post(store.db, draft, Status.SCHEDULED, now - timedelta(hours=1))
        post = ledger.get_post(store.db, post_id)
        assert post is not None
        ledger.transition(store.db, post_id, Status.SENDING, ledger.SYSTEM, now, action="send",
                          expect={Status.SCHEDULED})
        assert ledger.claim_delivery(store.db, post, due, target, now - timedelta(seconds=30), late=False)
        if was_sent:  # the platform took it; the kill came before `published`
            fake._send(NEWS, {"content": "Daily tip"}, user(fake.bot_id, "cmbot", bot=True))
    store.close()


async def restart(sent: list[bool]) -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = FakeDiscord(guild_ids=("100",))
    fake.nonce_window_seconds = 0
    await fake.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bot.db"
            now = datetime.now(UTC)
            crashed_mid_delivery(db_path, fake, sent, now)
            config = parse_settings(CONFIG.format(db=db_path), "identical.toml")
            clock = SimulatedClock(now)
            app = App(config, Store.open(db_path), clock, SteppedWakeups(clock), features=[feature])
            app.attach([make_platform(fake, config, app.services.commands)])
            await app.start()  # reconciles, then sends what was not sent
            await app.stop()
            store = Store.open(db_path)
            rows = store.db.execute("SELECT status, message_id FROM calendar_deliveries").fetchall()
            store.close()
    finally:
        await fake.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway

    messages = [m["id"] for m in fake.channel_messages.get(NEWS, [])]
    assert len(messages) == len(sent)  # none lost, none doubled
    assert sorted(status for status, _ in rows) == ["published"] * len(sent)
    assert sorted(message_id for _, message_id in rows) == sorted(messages)  # each message is one post's
    assert STRATEGY not in fake.channel_messages  # nothing was left for the CMs


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sent=st.lists(st.booleans(), min_size=1, max_size=4))
@example(sent=[True, False, True])
def test_identical_posts_after_a_crash_end_as_one_message_each(sent):
    asyncio.run(restart(sent))
