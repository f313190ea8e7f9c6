"""The moderation queue on Discord at the wire: the real discord.py client, the local fake, the real App."""

from __future__ import annotations

import pytest
import sqlite_utils

from bot.app import App
from bot.clock import SystemClock
from bot.features.moderation import feature
from bot.store import Store
from bot.wakeups import SchedulerWakeups
from config.loader import parse_settings
from tests.discord.conftest import CM_ROLE, DISCORD_TOML, GUILD, make_platform
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import FakeDiscord, user

QUEUE = "702"
REPORTER = "777000777"  # the moderation channel of the Discord test community


@pytest.fixture
async def fake():
    server = await FakeDiscord(guild_ids=(GUILD,)).start()
    yield server
    await server.stop()


@pytest.fixture
def discord_settings():
    return parse_settings(DISCORD_TOML, "discord-test.toml")


@pytest.fixture(autouse=True)
def _discord_endpoints_restored():
    """Pointing discord.py at the fake changes its endpoints process-wide: put them back after each test."""
    import discord

    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def start_app(discord_settings, tmp_path, fake):
    app = App(discord_settings, Store.open(tmp_path / "cmbot.db"), SystemClock(), SchedulerWakeups(),
              features=[feature])  # fmt: skip
    platform = make_platform(fake, discord_settings, app.services.commands)
    app.attach([platform])
    await app.start()
    return app


def flags(tmp_path) -> list[dict]:
    db = sqlite_utils.Database(tmp_path / "cmbot.db")
    try:
        return list(db["moderation_flags"].rows_where(order_by="id"))
    finally:
        db.conn.close()


async def test_flag_card_then_delete_button_on_discord(fake, discord_settings, tmp_path):
    app = await start_app(discord_settings, tmp_path, fake)
    try:
        rude = fake.message("700", user("48", "Troll"), "t'es qu'un c.o.n.n.a.r.d", guild_id=GUILD)
        await fake.dispatch("MESSAGE_CREATE", rude)
        [card] = await fake.wait_for_request("POST", rf"/channels/{QUEUE}/messages")
        buttons = [c["custom_id"] for row in card.json["components"] for c in row["components"]]
        assert buttons == ["mod:dismiss:1", "mod:delete:1", "mod:warn:1", "mod:timeout:1"]
        assert card.json["allowed_mentions"]["parse"] == [] and not card.json["allowed_mentions"].get("users")
        card_id = fake.requests_to("POST", rf"/channels/{QUEUE}/messages")[0]
        stored = {**flags(tmp_path)[0], "card_message_id": fake.channel_messages[QUEUE][-1]["id"]}  # the flag
        # was stored before its card was posted; the card's reference is written with the next store trip
        assert "terms" in stored["rules"].split(",") and stored["link"].endswith(f"/{GUILD}/700/{rude['id']}")

        refused = fake.button_click("mod:delete:1", stored["card_message_id"], "49")
        await fake.dispatch("INTERACTION_CREATE", refused)
        await fake.wait_for_request("POST", rf"/interactions/{refused['id']}/{refused['token']}/callback")
        assert fake.requests_to("DELETE", rf"/channels/700/messages/{rude['id']}") == []

        click = fake.button_click("mod:delete:1", stored["card_message_id"], "50", roles=(CM_ROLE,))
        await fake.dispatch("INTERACTION_CREATE", click)
        await fake.wait_for_request("DELETE", rf"/channels/700/messages/{rude['id']}")
        [edit] = await fake.wait_for_request("PATCH", rf"/channels/{QUEUE}/messages/{stored['card_message_id']}")
        left = [c["custom_id"] for row in edit.json["components"] for c in row["components"]]
        assert left == ["mod:warn:1", "mod:timeout:1"]  # the member can still be warned or timed out
        await until(lambda: flags(tmp_path)[0]["status"] == "deleted")
        assert flags(tmp_path)[0]["decided_by"] == "50" and card_id is not None

        timeout = fake.button_click("mod:timeout:1", stored["card_message_id"], "50", roles=(CM_ROLE,))
        await fake.dispatch("INTERACTION_CREATE", timeout)
        await fake.wait_for_request("PATCH", rf"/guilds/{GUILD}/members/48")
        edits = await fake.wait_for_request("PATCH", rf"/channels/{QUEUE}/messages/{stored['card_message_id']}",
                                            count=2)
        left = [c["custom_id"] for row in edits[-1].json["components"] for c in row["components"]]
        assert left == ["mod:warn:1"]
        shown = str(edits[-1].json["embeds"])
        assert "Message supprimé" in shown and "Membre exclu temporairement" in shown
    finally:
        await app.stop()


async def test_report_context_menu_on_discord_creates_a_private_flag(fake, discord_settings, tmp_path):
    app = await start_app(discord_settings, tmp_path, fake)
    try:
        target = fake.message("700", user("48", "Troll"), "something nasty", guild_id=GUILD)
        data = {"id": "1", "name": "Report to moderators", "type": 3, "target_id": target["id"],
                "resolved": {"messages": {target["id"]: target}}}  # fmt: skip
        payload = fake.interaction(2, data, REPORTER)
        await fake.dispatch("INTERACTION_CREATE", payload)
        [card] = await fake.wait_for_request("POST", rf"/channels/{QUEUE}/messages")
        shown = str(card.json.get("content")) + str(card.json.get("embeds")) + str(card.json.get("components"))
        assert REPORTER not in shown  # the reporter never appears on the card
        [ack] = await fake.wait_for_request("POST", rf"/interactions/{payload['id']}/{payload['token']}/callback")
        assert ack.json["data"]["flags"] & (1 << 6)
        await until(lambda: flags(tmp_path) and flags(tmp_path)[0]["reporter_id"] == REPORTER)
        assert flags(tmp_path)[0]["member_id"] == "48"
    finally:
        await app.stop()
