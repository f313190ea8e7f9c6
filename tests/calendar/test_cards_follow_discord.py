"""Approval cards follow decisions on Discord, at the wire: the real discord.py client against the local fake.

The SMM drafts with `/post draft`; the review card goes to the staff channel with its buttons; the CM's click on
Approve arrives as an interaction, and the card is edited (PATCH) to say who approved it and when, with no
components left. A second click on the old card gets a private answer.
"""

from __future__ import annotations

import json
from datetime import timedelta

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
from tests.fakes.discord_fake import FakeDiscord

GUILD, SMM_ROLE, CM_ROLE, NEWS, STAFF = "100", "501", "502", "710", "712"
CONFIG = f"""
[bot]
database = "{{db}}"

[[communities]]
id = "brand"
name = "Brand"
locale = "fr"
timezone = "Europe/Paris"

[communities.calendar]
approval_required = true

[communities.discord]
space_id = "{GUILD}"
roles = {{{{ smm = ["{SMM_ROLE}"], cm = ["{CM_ROLE}"] }}}}
channels = {{{{ strategy = "{STAFF}" }}}}
"""


@pytest.fixture
async def bot(tmp_path):
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = await FakeDiscord(guild_ids=(GUILD,)).start()
    fake.add_channel(NEWS, "news")
    fake.add_channel(STAFF, "staff")
    settings = parse_settings(CONFIG.format(db=tmp_path / "bot.db"), "cards-discord.toml")
    clock = SimulatedClock(START)
    app = App(settings, Store.open(settings.bot.database), clock, SteppedWakeups(clock), features=[feature])
    app.attach([make_platform(fake, settings, app.services.commands)])
    await app.start()
    yield app, fake
    await app.stop()
    await fake.stop()
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def test_the_card_shows_the_decision_and_loses_its_buttons(bot):
    _app, fake = bot
    options = [{"type": 1, "name": "draft", "options": [
        {"type": 3, "name": "body", "value": "Soldes de printemps"}, {"type": 3, "name": "to", "value": f"#{NEWS}"},
        {"type": 3, "name": "at", "value": "le 5 mars à 9h"}]}]
    draft = fake.command("post", "42", roles=(SMM_ROLE,), options=options)
    await fake.dispatch("INTERACTION_CREATE", draft)
    [card] = await fake.wait_for_request("POST", rf"/channels/{STAFF}/messages")
    buttons = [c["custom_id"] for row in card.json["components"] for c in row["components"]]
    assert buttons == ["cal:approve:1", "cal:reject:1", "cal:edit:1"]
    card_id = fake.channel_messages[STAFF][-1]["id"]

    click = fake.button_click("cal:approve:1", card_id, "43", roles=(CM_ROLE,), channel_id=STAFF)
    await fake.dispatch("INTERACTION_CREATE", click)
    [edited] = await fake.wait_for_request("PATCH", rf"/channels/{STAFF}/messages/{card_id}")
    assert edited.json.get("components") == []
    shown = json.dumps(edited.json, ensure_ascii=False)
    assert "Validée par" in shown and "Soldes de printemps" in shown

    again = fake.button_click("cal:approve:1", card_id, "44", roles=(CM_ROLE,), channel_id=STAFF)
    await fake.dispatch("INTERACTION_CREATE", again)
    [answer] = await fake.wait_for_request("POST", rf"/interactions/{again['id']}/{again['token']}/callback")
    assert "n’attend pas de validation" in json.dumps(answer.json, ensure_ascii=False)
    assert answer.json["data"]["flags"] & 64  # ephemeral
    assert len(fake.requests_to("PATCH", rf"/channels/{STAFF}/messages/{card_id}")) == 1


async def test_a_post_that_expires_without_a_decision_closes_its_card(bot):
    app, fake = bot
    options = [{"type": 1, "name": "draft", "options": [
        {"type": 3, "name": "body", "value": "Soldes d’hiver"}, {"type": 3, "name": "to", "value": f"#{NEWS}"},
        {"type": 3, "name": "at", "value": "demain 10h"}]}]
    await fake.dispatch("INTERACTION_CREATE", fake.command("post", "42", roles=(SMM_ROLE,), options=options))
    await fake.wait_for_request("POST", rf"/channels/{STAFF}/messages")
    card_id = fake.channel_messages[STAFF][-1]["id"]

    await app.services.wakeups.advance_to(app.services.clock.now() + timedelta(days=2))

    [edited] = await fake.wait_for_request("PATCH", rf"/channels/{STAFF}/messages/{card_id}")
    assert edited.json.get("components") == []  # no button left to approve a post whose time has passed
    shown = json.dumps(edited.json, ensure_ascii=False)
    assert "Expirée le" in shown and "sans décision" in shown and "Soldes d’hiver" in shown
    assert fake.requests_to("POST", rf"/channels/{NEWS}/messages") == []  # never sent unapproved
