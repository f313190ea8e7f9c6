"""A post edited while one of its deliveries was in flight, then a crash: on Discord the post is recognised by
its text, so a lookup with the new text would miss the message the bot did send and post it a second time.
The real calendar restarts against the Discord fake (real discord.py): sent before the edit, the row is left to
the CMs and nothing is posted again; not sent, the edited post goes out once; sent and not edited, it is found.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

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


def crashed_mid_send(db_path: Path, fake: FakeDiscord, now: datetime, *, sent: bool, edit: str | None) -> int:
    """A post claimed (`sending`), maybe already on Discord, then maybe edited while the bot was down."""
    store = Store.open(db_path)
    apply_all(store.db, [migrations])
    due = now - timedelta(minutes=1)
    target = Target("discord", NEWS)
    draft = PostDraft(community="brand", author=Actor("discord", "42"), body="Launch day", targets=(target,),
                      timezone="Europe/Paris", publish_at=due)
    post_id = ledger.create_post(store.db, draft, Status.SCHEDULED, now - timedelta(hours=1))
    post = ledger.get_post(store.db, post_id)
    assert post is not None
    ledger.transition(store.db, post_id, Status.SENDING, ledger.SYSTEM, now, action="send",
                      expect={Status.SCHEDULED})
    assert ledger.claim_delivery(store.db, post, due, target, now - timedelta(seconds=30), late=False)
    if sent:  # the platform took it; the kill came before `published`
        fake._send(NEWS, {"content": "Launch day"}, user(fake.bot_id, "cmbot", bot=True))
    if edit is not None:  # e.g. a calendar import run while the bot was down
        ledger.update_content(store.db, post_id, {"body": edit}, None)
    store.close()
    return post_id


async def restart(*, sent: bool, edit: str | None) -> tuple[list[str], list[str], list[str]]:
    """The texts in the news channel, the ledger's statuses and the strategy channel's texts after a restart."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = FakeDiscord(guild_ids=("100",))
    fake.nonce_window_seconds = 0
    await fake.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bot.db"
            now = datetime.now(UTC)
            crashed_mid_send(db_path, fake, now, sent=sent, edit=edit)
            config = parse_settings(CONFIG.format(db=db_path), "edited.toml")
            clock = SimulatedClock(now)
            app = App(config, Store.open(db_path), clock, SteppedWakeups(clock), features=[feature])
            app.attach([make_platform(fake, config, app.services.commands)])
            await app.start()  # reconciles, then sends what was not sent
            await app.stop()
            store = Store.open(db_path)
            statuses = [r[0] for r in store.db.execute("SELECT status FROM calendar_deliveries ORDER BY id")]
            store.close()
    finally:
        await fake.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway

    def texts(channel: str) -> list[str]:
        return [m["content"] or "".join(e.get("description", "") for e in m.get("embeds", []))
                for m in fake.channel_messages.get(channel, [])]

    return texts(NEWS), statuses, texts(STRATEGY)


@pytest.mark.asyncio
async def test_a_post_sent_then_edited_before_the_restart_is_not_sent_again():
    news, statuses, strategy = await restart(sent=True, edit="Launch day, now at 6 pm")
    assert news == ["Launch day"]  # the message that went out, and no second one with the new text
    assert statuses == ["uncertain"]
    assert len(strategy) == 1  # the CMs are asked to decide


@pytest.mark.asyncio
async def test_a_post_not_sent_then_edited_goes_out_once_with_its_new_text():
    news, statuses, strategy = await restart(sent=False, edit="Launch day, now at 6 pm")
    assert news == ["Launch day, now at 6 pm"]
    assert statuses == ["published"]
    assert strategy == []


@pytest.mark.asyncio
async def test_a_post_sent_and_left_alone_is_found_by_its_text():
    news, statuses, strategy = await restart(sent=True, edit=None)
    assert news == ["Launch day"]
    assert statuses == ["published"]
    assert strategy == []


def test_only_content_edits_of_an_in_flight_delivery_mark_it(tmp_path):
    """The mark comes from edits, never from the claim, the send or a status change."""
    store = Store.open(tmp_path / "bot.db")
    apply_all(store.db, [migrations])
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    target = Target("discord", NEWS)
    draft = PostDraft(community="brand", author=Actor("discord", "42"), body="Tip", targets=(target,),
                      timezone="Europe/Paris", publish_at=now)
    post_id = ledger.create_post(store.db, draft, Status.SCHEDULED, now - timedelta(hours=1))
    post = ledger.get_post(store.db, post_id)
    assert post is not None

    def marks() -> list[int]:
        return [r[0] for r in store.db.execute("SELECT revised_while_sending FROM calendar_deliveries")]

    ledger.transition(store.db, post_id, Status.SENDING, ledger.SYSTEM, now, action="send")
    delivery = ledger.claim_delivery(store.db, post, now, target, now, late=False)
    assert delivery is not None and marks() == [0]
    ledger.update_content(store.db, post_id, {"pillar": "tips"}, None)
    assert marks() == [1]
    ledger.finish_delivery(store.db, delivery.id, "uncertain", now, error="interrupted")
    assert ledger.reclaim_delivery(store.db, delivery.id, ("uncertain",), now, late=True) is not None
    assert marks() == [0]  # a decided resend renders the post as it is now
    ledger.finish_delivery(store.db, delivery.id, "published", now, message_id="9")
    ledger.update_content(store.db, post_id, {"body": "Tip, edited"}, None)
    assert marks() == [0]  # only rows in flight are marked
    store.close()
