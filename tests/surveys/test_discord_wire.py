"""Surveys on Discord, at the wire: the real discord.py client against the local fake.

A CM launches a DM survey; the active member gets it in a DM with eleven score buttons and "do not ask me
again"; their click (an interaction in the DM, with no guild) opens the comment modal; the submitted modal is
stored and thanked privately. A member whose DMs are closed gets it in the surveys channel, mentioned and only
them. A channel survey is posted with its buttons, answered from the guild, and loses them when it closes.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import discord
import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.discord.conftest import make_platform
from tests.fakes.discord_fake import FakeDiscord, user
from tests.patience import PATIENCE
from tests.surveys.conftest import START

GUILD, CM_ROLE, GENERAL, STRATEGY, LOBBY = "100", "502", "700", "712", "713"
MODAL, MESSAGE, EPHEMERAL = 9, 4, 64
CONFIG = f"""
[bot]
database = "{{db}}"

[[communities]]
id = "brand"
name = "Brand"
locale = "fr"
timezone = "Europe/Paris"

[communities.discord]
space_id = "{GUILD}"
roles = {{{{ cm = ["{CM_ROLE}"] }}}}
channels = {{{{ strategy = "{STRATEGY}", surveys = "{LOBBY}" }}}}
"""


@pytest.fixture
async def bot(tmp_path):
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = await FakeDiscord(guild_ids=(GUILD,)).start()
    for channel, name in ((GENERAL, "general"), (STRATEGY, "strategy"), (LOBBY, "lobby")):
        fake.add_channel(channel, name)
    settings = parse_settings(CONFIG.format(db=tmp_path / "bot.db"), "surveys-discord.toml")
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(settings.bot.database), clock, wakeups, features=shipped_features())
    app.attach([make_platform(fake, settings, app.services.commands)])
    await app.start()
    yield app, fake, wakeups, clock
    await app.stop()
    await fake.stop()
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def callback(payload) -> str:
    return rf"/interactions/{payload['id']}/{payload['token']}/callback"


def survey_command(fake: FakeDiscord, *pairs: tuple[str, str]):
    options = [{"type": 1, "name": "new", "options": [{"type": 3, "name": k, "value": v} for k, v in pairs]}]
    return fake.command("survey", "1", roles=(CM_ROLE,), options=options)


async def speak(fake: FakeDiscord, app: App, *members: str) -> None:
    """Members post in #general; returns once the engagement log holds their messages (a bounded poll: the
    gateway hands messages over on its own tasks)."""
    for member in members:
        await fake.dispatch("MESSAGE_CREATE", fake.message(GENERAL, user(member, f"user{member}"), "bonjour",
                                                           guild_id=GUILD))

    async def logged() -> None:
        while True:
            await app.services.flush_pending()
            count = app.services.store.db.execute("SELECT count(*) FROM engagement_events").fetchone()[0]
            if count >= len(members):
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(logged(), PATIENCE)


def pinged(body) -> list[str]:
    return [str(u) for u in body["allowed_mentions"]["users"]]


def buttons(body) -> list[tuple[str, str]]:
    return [(c["custom_id"], c["label"]) for row in body["components"] for c in row["components"]]


async def test_a_dm_survey_is_answered_in_the_dm_with_a_comment(bot):
    app, fake, _wakeups, _clock = bot
    fake.dms_closed.add("43")
    await speak(fake, app, "42", "43")
    launch = survey_command(fake, ("kind", "nps"), ("where", "dm"))
    await fake.dispatch("INTERACTION_CREATE", launch)

    [dm] = await fake.wait_for_request("POST", r"/channels/842/messages")
    assert buttons(dm.json)[:11] == [(f"srv:s:1:{n}", str(n)) for n in range(11)]
    assert buttons(dm.json)[11] == ("srv:o:1", "Ne plus me demander")
    assert pinged(dm.json) == ["42"] and dm.json["allowed_mentions"]["parse"] == []
    [fallback] = await fake.wait_for_request("POST", rf"/channels/{LOBBY}/messages")
    assert "<@43>" in json.dumps(fallback.json) and pinged(fallback.json) == ["43"]
    [answer] = await fake.wait_for_request("PATCH", rf"/webhooks/\d+/{launch['token']}/messages/@original")
    assert "2 membres" in json.dumps(answer.json, ensure_ascii=False)

    dm_message = fake.channel_messages["842"][-1]["id"]
    click = fake.button_click("srv:s:1:9", dm_message, "42", dm=True)
    await fake.dispatch("INTERACTION_CREATE", click)
    [modal] = await fake.wait_for_request("POST", callback(click))
    assert modal.json["type"] == MODAL and modal.json["data"]["custom_id"] == "srv:c:1"

    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "comment", "value": "Top @everyone <@&1>"}]}]
    submit = fake.interaction(5, {"custom_id": "srv:c:1", "components": rows}, "42", dm=True)
    await fake.dispatch("INTERACTION_CREATE", submit)
    [thanks] = await fake.wait_for_request("POST", callback(submit))
    assert thanks.json["type"] == MESSAGE and thanks.json["data"]["flags"] & EPHEMERAL
    assert "commentaire" in thanks.json["data"]["content"]
    rows = app.services.store.db.execute("SELECT platform, member_id, score, comment FROM survey_answers").fetchall()
    assert rows == [("discord", "42", 9, "Top @everyone <@&1>")]


async def test_a_channel_survey_is_posted_answered_and_closed(bot):
    app, fake, wakeups, clock = bot
    launch = survey_command(fake, ("kind", "csat"), ("channel", GENERAL), ("days", "1"))
    await fake.dispatch("INTERACTION_CREATE", launch)
    [post] = await fake.wait_for_request("POST", rf"/channels/{GENERAL}/messages")
    assert [label for _, label in buttons(post.json)] == ["1", "2", "3", "4", "5"]
    message_id = fake.channel_messages[GENERAL][-1]["id"]

    click = fake.button_click("srv:s:1:4", message_id, "44", channel_id=GENERAL)
    await fake.dispatch("INTERACTION_CREATE", click)
    [modal] = await fake.wait_for_request("POST", callback(click))
    assert modal.json["type"] == MODAL

    await wakeups.advance_to(clock.now() + timedelta(days=1, minutes=2))
    [edited] = await fake.wait_for_request("PATCH", rf"/channels/{GENERAL}/messages/{message_id}")
    assert edited.json.get("components") == []
    [results] = await fake.wait_for_request("POST", rf"/channels/{STRATEGY}/messages")
    assert "CSAT 100" in json.dumps(results.json, ensure_ascii=False)

    late = fake.button_click("srv:s:1:1", message_id, "45", channel_id=GENERAL)
    await fake.dispatch("INTERACTION_CREATE", late)
    [closed] = await fake.wait_for_request("POST", callback(late))
    assert "close" in closed.json["data"]["content"]
    assert app.services.store.db.execute("SELECT member_id, score FROM survey_answers").fetchall() == [("44", 4)]


def test_a_dm_interaction_belongs_to_the_guild_the_listener_names_and_only_clicks_and_modals_do():
    from bot.events import ButtonClicked
    from bot.platforms.discord import translate

    fake = FakeDiscord(guild_ids=(GUILD,))
    click = fake.button_click("srv:s:1:9", "900", "42", dm=True)
    event = translate.interaction_event(click, "Report", dm_space_id=GUILD)
    assert isinstance(event, ButtonClicked) and event.space_id == GUILD and event.member.id == "42"
    assert event.member.roles == frozenset() and event.channel is not None and event.channel.id == "842"
    assert translate.interaction_event(click, "Report") is None  # no guild named: not ours to route
    command = fake.interaction(2, {"id": "1", "name": "survey", "type": 1, "options": []}, "42", dm=True)
    assert translate.interaction_event(command, "Report", dm_space_id=GUILD) is None


async def test_closing_a_dm_survey_edits_the_dm_and_the_fallback_post_to_say_so(bot):
    app, fake, _wakeups, _clock = bot
    fake.dms_closed.add("43")
    await speak(fake, app, "42", "43")
    await fake.dispatch("INTERACTION_CREATE", survey_command(fake, ("kind", "nps"), ("where", "dm")))
    await fake.wait_for_request("POST", r"/channels/842/messages")
    await fake.wait_for_request("POST", rf"/channels/{LOBBY}/messages")
    dm, fallback = fake.channel_messages["842"][-1]["id"], fake.channel_messages[LOBBY][-1]["id"]

    close = fake.command("survey", "1", roles=(CM_ROLE,), options=[
        {"type": 1, "name": "close", "options": [{"type": 4, "name": "id", "value": 1}]}])
    await fake.dispatch("INTERACTION_CREATE", close)
    [edited_dm] = await fake.wait_for_request("PATCH", rf"/channels/842/messages/{dm}")
    [edited_post] = await fake.wait_for_request("PATCH", rf"/channels/{LOBBY}/messages/{fallback}")
    for edit in (edited_dm, edited_post):
        assert edit.json.get("components") == [] and "close" in json.dumps(edit.json, ensure_ascii=False)
        assert edit.json["allowed_mentions"]["parse"] == []
    late = fake.button_click("srv:s:1:9", dm, "42", dm=True)  # a client still showing the buttons
    await fake.dispatch("INTERACTION_CREATE", late)
    [said] = await fake.wait_for_request("POST", callback(late))
    assert "close" in said.json["data"]["content"]
    assert app.services.store.db.execute("SELECT count(*) FROM survey_answers").fetchone() == (0,)
