"""Ambassadors on Discord, through the real discord.py against the local discord: the candidate card is posted in the
strategy channel, a CM accepts, the member gets the role (PUT …/roles/…), a thank-you DM, and the card is edited;
`/ambassadors remove` takes the role back (DELETE …/roles/…). A refused role is said, not hidden."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.ambassadors.wire import NOW, seed_helper
from tests.discord.conftest import (
    CM_ROLE,
    GUILD,
    _discord_endpoints_restored,  # noqa: F401  (discord.py's endpoints put back)
    make_platform,
)
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import FakeDiscord

STRATEGY, HELP, AMBASSADOR_ROLE, HELPER = "710", "711", "555", "61"
TOML = f"""
[[communities]]
id = "brand"
name = "Brand"
locale = "fr"

[communities.discord]
space_id = "{GUILD}"
roles = {{ cm = ["{CM_ROLE}"] }}
channels = {{ strategy = "{STRATEGY}", help = ["{HELP}"] }}

[communities.ambassadors]
discord_role = "{AMBASSADOR_ROLE}"
"""


@pytest.fixture
async def discord():
    server = await FakeDiscord(guild_ids=(GUILD,)).start()
    yield server
    await server.stop()


async def started(discord, tmp_path) -> App:
    settings = parse_settings(TOML, "t.toml")
    discord.add_channel(STRATEGY, "strategy")
    store = Store.open(tmp_path / "cmbot.db")
    clock = SimulatedClock(NOW)
    app = App(settings, store, clock, SteppedWakeups(clock), shipped_features())
    seed_helper(store.db, "brand", "discord", HELPER, "62", HELP, "Bob <@everyone>")
    app.attach([make_platform(discord, settings, app.services.commands)])
    await app.start()
    return app


def is_card(message: dict) -> bool:
    return "amb:accept" in str(message.get("components"))


async def posted_card(discord) -> tuple[dict, str]:
    """The candidate card sent to the strategy channel (the weekly report goes there too), and its message id."""
    await until(lambda: any(is_card(m) for m in discord.channel_messages.get(STRATEGY, [])))
    [request] = [r for r in discord.requests_to("POST", rf"/channels/{STRATEGY}/messages") if is_card(r.json)]
    [stored] = [m for m in discord.channel_messages[STRATEGY] if is_card(m)]
    return request.json, stored["id"]


async def test_a_cm_accepts_on_discord_and_the_member_gets_the_role(discord, tmp_path):
    app = await started(discord, tmp_path)
    try:
        card, card_id = await posted_card(discord)
        embed = card["embeds"][0]
        assert "Bob" in embed["title"] and card["allowed_mentions"]["parse"] == []
        assert [c["custom_id"] for c in card["components"][0]["components"]] == ["amb:accept:1", "amb:later:1"]

        click = discord.button_click("amb:accept:1", card_id, "63", roles=(CM_ROLE,), channel_id=STRATEGY)
        await discord.dispatch("INTERACTION_CREATE", click)
        await discord.wait_for_request("PUT", rf"/guilds/{GUILD}/members/{HELPER}/roles/{AMBASSADOR_ROLE}")
        assert discord.member_roles[HELPER] == {AMBASSADOR_ROLE}
        [dm] = await discord.wait_for_request("POST", rf"/channels/8{HELPER}/messages")
        assert "merci" in dm.json["content"] and "@everyone" not in dm.json["content"].replace("\\@everyone", "")
        [edit] = await discord.wait_for_request("PATCH", rf"/channels/{STRATEGY}/messages/{card_id}")
        assert "components" not in edit.json or edit.json["components"] == []
        answers = await discord.wait_for_request("POST", rf"/interactions/{click['id']}/.*/callback")
        await until(lambda: any("ambassadeur" in r.json.get("data", {}).get("content", "") for r in
                                discord.requests_to("POST", r"/interactions/.*|/webhooks/.*") if r.json))
        assert answers

        remove = discord.command("ambassadors", "63", roles=(CM_ROLE,),
                              options=[{"name": "remove", "type": 6, "value": HELPER}])
        await discord.dispatch("INTERACTION_CREATE", remove)
        await discord.wait_for_request("DELETE", rf"/guilds/{GUILD}/members/{HELPER}/roles/{AMBASSADOR_ROLE}")
        assert discord.member_roles[HELPER] == set()
    finally:
        await app.stop()


async def test_a_role_discord_refuses_is_recorded_as_not_given(discord, tmp_path):
    discord.queue_error("PUT", rf"/guilds/{GUILD}/members/{HELPER}/roles/{AMBASSADOR_ROLE}", 403,
                     {"message": "Missing Permissions", "code": 50013})
    app = await started(discord, tmp_path)
    try:
        _, card_id = await posted_card(discord)
        click = discord.button_click("amb:accept:1", card_id, "63", roles=(CM_ROLE,), channel_id=STRATEGY)
        await discord.dispatch("INTERACTION_CREATE", click)
        await discord.wait_for_request("PATCH", rf"/channels/{STRATEGY}/messages/{card_id}")
        await until(lambda: any("n’a pas pu être donné" in str(r.json) for r in discord.requests
                                if r.path.startswith(("/webhooks", "/interactions"))))
        db = app.services.store.db
        await until(lambda: db.execute("SELECT granted FROM ambassadors").fetchall() == [(0,)])
        assert HELPER not in discord.member_roles
    finally:
        await app.stop()
