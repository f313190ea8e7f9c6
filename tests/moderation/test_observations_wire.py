"""The observations digest at the wire: real discord.py and the real Slack adapter against the local fakes.

Shadow flags post nothing in the moderation channel; a live flag gets its card; at the digest's hour, a digest
the platform refuses is kept pending and sent, once, at the next hourly look.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.moderation import feature
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.discord.conftest import make_platform
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import FakeDiscord, user
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, SlackFake
from tests.slack.harness import GENERAL, MODERATION, SLACK_TOML

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MIDNIGHT_PARIS = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
GUILD, QUEUE, CHAT = "100", "702", "700"
DISCORD_CONFIG = f"""
[bot]
database = "{{db}}"

[[communities]]
id = "brand"
name = "Brand"
locale = "fr"
timezone = "Europe/Paris"

[communities.discord]
space_id = "{GUILD}"
roles = {{{{ cm = ["502"] }}}}
channels = {{{{ moderation = "{QUEUE}" }}}}

[communities.moderation]
caps = {{{{ shadow = true }}}}
"""


def flag_count(app: App) -> int:
    return app.services.store.db.execute("SELECT count(*) FROM moderation_flags").fetchone()[0]


@pytest.fixture
async def discord_bot(tmp_path):
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = await FakeDiscord(guild_ids=(GUILD,)).start()
    settings = parse_settings(DISCORD_CONFIG.format(db=tmp_path / "bot.db"), "observations-discord.toml")
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(settings.bot.database), clock, wakeups, features=[feature])
    app.attach([make_platform(fake, settings, app.services.commands)])
    await app.start()
    yield app, fake, wakeups
    await app.stop()
    await fake.stop()
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def test_discord_shadow_flags_reach_only_the_digest_which_survives_a_refusal(discord_bot):
    app, fake, wakeups = discord_bot
    shouting = ("POURQUOI PERSONNE NE RÉPOND JAMAIS ICI", "VOUS ÊTES TOUS EN VACANCES OU QUOI")
    for text in shouting:
        await fake.dispatch("MESSAGE_CREATE", fake.message(CHAT, user("48", "Crieur"), text, guild_id=GUILD,
                                                           timestamp=START.isoformat()))
    await fake.dispatch("MESSAGE_CREATE", fake.message(CHAT, user("49", "Troll"), "t'es qu'un connard",
                                                       guild_id=GUILD, timestamp=START.isoformat()))
    await fake.wait_for_request("POST", rf"/channels/{QUEUE}/messages")
    await until(lambda: flag_count(app) == 3)
    [card] = fake.requests_to("POST", rf"/channels/{QUEUE}/messages")  # the live flag's card, and only it
    assert "[observation]" not in json.dumps(card.json, ensure_ascii=False)

    fake.queue_error("POST", rf"/channels/{QUEUE}/messages", 403, {"message": "Missing Access", "code": 50001})
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    await fake.wait_for_request("POST", rf"/channels/{QUEUE}/messages", count=2)  # refused
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=1, minutes=1))
    posts = await fake.wait_for_request("POST", rf"/channels/{QUEUE}/messages", count=3)
    [embed] = posts[-1].json["embeds"]
    assert embed["title"] == "Observations\u00a0: 2 signalements en mode observation"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Par règle ou modèle"] == "majuscules\u00a0: 2 signalements"
    shown = json.dumps(embed, ensure_ascii=False)
    assert "VACANCES" in shown and f"https://discord.com/channels/{GUILD}/{CHAT}/" in shown
    assert "connard" not in shown and posts[-1].json["allowed_mentions"]["parse"] == []
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=3))
    assert len(fake.requests_to("POST", rf"/channels/{QUEUE}/messages")) == 3  # sent once


@pytest.fixture
async def slack_bot(tmp_path):
    fake = SlackFake()
    await fake.start()
    fake.add_user("UADA", "Ada")
    settings = parse_settings(SLACK_TOML + "\n[communities.moderation]\ncaps = { shadow = true }\n", "slack.toml")
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, wakeups, features=[feature])
    platform = SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                             settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                             api_base=fake.api_base)  # fmt: skip
    app.attach([platform])
    await app.start()
    yield app, fake, wakeups
    await app.stop()
    await fake.stop()


async def test_slack_digest_in_english_after_a_refused_post(slack_bot):
    app, fake, wakeups = slack_bot
    ts = START.timestamp()
    for n, text in enumerate(("WHY DOES NOBODY EVER ANSWER HERE", "HELLO IS ANYBODY THERE AT ALL")):
        await fake.send_event({"type": "message", "user": "UADA", "text": text, "channel": GENERAL,
                               "ts": f"{ts + n:.6f}", "channel_type": "channel"})
    await until(lambda: flag_count(app) == 2)
    assert [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == MODERATION] == []

    fake.queue_error("chat.postMessage", "channel_not_found")
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=1, minutes=1))
    calls = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")][1:])
    [digest] = calls
    shown = json.dumps(digest.args, ensure_ascii=False)
    assert digest.args["channel"] == MODERATION and "Observations: 2 flags in shadow mode" in shown
    assert "capitals: 2 flags" in shown and "ANYBODY" in shown
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=4))
    assert len(fake.calls_to("chat.postMessage")) == 2
