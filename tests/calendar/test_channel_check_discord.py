"""Drafting on Discord, at the wire: the calendar asks the real Discord adapter whether the channel exists.

The whole bot with only the calendar runs the real discord.py client against the local fake; the SMM's
`/post draft` arrives as an interaction and the answer goes back through the interaction callback.
"""

from __future__ import annotations

import json

import discord
import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.calendar import feature
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.calendar.conftest import START
from tests.discord.conftest import make_platform
from tests.fakes.discord_fake import VIEW_CHANNEL, FakeDiscord

GUILD, SMM_ROLE, NEWS, STAFF_ONLY = "100", "501", "710", "711"
CONFIG = f"""
[bot]
database = "{{db}}"

[[communities]]
id = "brand"
name = "Brand"
locale = "en"
timezone = "Europe/Paris"

[communities.discord]
space_id = "{GUILD}"
roles = {{{{ smm = ["{SMM_ROLE}"] }}}}
channels = {{{{ strategy = "{NEWS}" }}}}
"""


@pytest.fixture
async def bot(tmp_path):
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = await FakeDiscord(guild_ids=(GUILD,)).start()
    fake.add_channel(NEWS, "news")
    fake.add_channel(STAFF_ONLY, "staff", denied=VIEW_CHANNEL)
    settings = parse_settings(CONFIG.format(db=tmp_path / "bot.db"), "calendar-discord.toml")
    clock = SimulatedClock(START)
    app = App(settings, Store.open(settings.bot.database), clock, SteppedWakeups(clock), features=[feature])
    app.attach([make_platform(fake, settings, app.services.commands)])
    await app.start()
    yield app, fake
    await app.stop()
    await fake.stop()
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def draft(fake: FakeDiscord, to: str) -> str:
    """`/post draft body=… to=… at=…` from the SMM; the bot's answer (its text, or its card), as JSON."""
    fields = {"body": "Spring release notes", "to": to, "at": "2026-03-05 09:00"}
    options = [{"type": 1, "name": "draft",
                "options": [{"type": 3, "name": k, "value": v} for k, v in fields.items()]}]
    payload = fake.command("post", "42", roles=(SMM_ROLE,), options=options)
    await fake.dispatch("INTERACTION_CREATE", payload)
    [answer] = await fake.wait_for_request("POST", rf"/interactions/{payload['id']}/{payload['token']}/callback")
    return json.dumps(answer.json["data"], ensure_ascii=False)


async def test_a_draft_to_a_missing_channel_is_refused_and_nothing_is_saved(bot):
    app, fake = bot
    text = await draft(fake, "999")
    assert "discord:999, which does not exist" in text
    assert fake.requests_to("GET", r"/channels/999")
    assert app.services.store.db["calendar_posts"].count == 0


async def test_a_draft_to_a_hidden_channel_is_refused(bot):
    app, fake = bot
    assert f"discord:{STAFF_ONLY}, where the bot is not allowed to post" in await draft(fake, STAFF_ONLY)
    assert app.services.store.db["calendar_posts"].count == 0


async def test_a_draft_to_a_channel_the_bot_can_post_in_is_saved(bot):
    app, fake = bot
    text = await draft(fake, f"#{NEWS}")
    assert "Post #1 is scheduled." in text and "does not exist" not in text
    assert app.services.store.db["calendar_posts"].count == 1
