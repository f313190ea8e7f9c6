"""An ambassador's role is taken back durably, through the real discord.py against the local fake: the revocation
is written in the forget's own transaction, and a platform that refuses, or a bot that is not running (an admin's
`cmbot privacy forget`), only delays it: it is retried with back-off, at start and every minute, until Discord
takes the role back or says the member is gone. Never lost, never tried more often than the back-off allows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store import Store
from config.loader import parse_settings
from handlers.ambassadors import revocations
from tests.ambassadors.revocation_wire import Running, write_config
from tests.ambassadors.revocation_wire import cli_forget as forget_account
from tests.ambassadors.revocation_wire import start as start_on
from tests.ambassadors.wire import NOW
from tests.discord.conftest import (
    GUILD,
    _discord_endpoints_restored,  # noqa: F401  (discord.py's endpoints put back)
    make_platform,
)
from tests.fakes.discord_fake import FakeDiscord

ROLE, AMBASSADOR, CM = "555", "61", "63"
TOML = f"""
[bot]
database = "{{db}}"

[[communities]]
id = "brand"
name = "Brand"
locale = "fr"
report = {{{{ enabled = false }}}}

[communities.discord]
space_id = "{GUILD}"
roles = {{{{ cm = ["700"] }}}}

[communities.ambassadors]
discord_role = "{ROLE}"
"""
ROLE_PATH = rf"/guilds/{GUILD}/members/{AMBASSADOR}/roles/{ROLE}"


@pytest.fixture
async def discord():
    server = await FakeDiscord(guild_ids=(GUILD,)).start()
    server.member_roles[AMBASSADOR] = {ROLE}
    yield server
    await server.stop()


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path, TOML, "brand", ("discord", AMBASSADOR), ("discord", CM))


async def start(config, discord, at=NOW) -> Running:
    return await start_on(config, lambda settings, app: make_platform(discord, settings, app.services.commands), at)


def forget_me(discord):
    confirm = [{"type": 5, "name": "confirm", "value": True}]
    return discord.command("privacy", AMBASSADOR, options=[{"type": 1, "name": "forget-me", "options": confirm}])


async def answer_to(discord, payload) -> str:
    [reply] = await discord.wait_for_request("POST", rf"/interactions/{payload['id']}/{payload['token']}/callback")
    return reply.json["data"]["content"]


async def test_forget_me_while_discord_refuses_is_retried_with_back_off_until_the_role_is_back(config, discord):
    bot = await start(config, discord)
    try:
        refusal = {"message": "Missing Permissions", "code": 50013}
        discord.queue_error("DELETE", ROLE_PATH, 403, refusal)
        payload = forget_me(discord)
        await discord.dispatch("INTERACTION_CREATE", payload)
        said = await answer_to(discord, payload)
        assert "Vous n’êtes plus ambassadeur" in said or "ambassad" in said
        assert "pas encore pu être retiré" in said and "retentée" in said
        db = bot.app.services.store.db
        assert db.execute("SELECT count(*) FROM ambassadors").fetchone() == (0,)  # the member is forgotten…
        [waiting] = bot.pending()  # …and the role still to take back is not
        assert (waiting.platform, waiting.member_id, waiting.role_id, waiting.attempts) == (
            "discord", AMBASSADOR, ROLE, 1)
        assert discord.member_roles[AMBASSADOR] == {ROLE}

        await bot.advance(timedelta(seconds=30))  # within the first minute of back-off: no new try
        assert len(discord.requests_to("DELETE", ROLE_PATH)) == 1
        discord.queue_error("DELETE", ROLE_PATH, 403, refusal)
        await bot.advance(timedelta(seconds=40))  # a minute after the refusal: tried again, refused again
        assert len(discord.requests_to("DELETE", ROLE_PATH)) == 2 and bot.pending()[0].attempts == 2
        await bot.advance(timedelta(minutes=1))  # now the wait is two minutes
        assert len(discord.requests_to("DELETE", ROLE_PATH)) == 2
        await bot.advance(timedelta(minutes=1, seconds=10))  # Discord has recovered
        assert len(discord.requests_to("DELETE", ROLE_PATH)) == 3
        assert discord.member_roles[AMBASSADOR] == set() and bot.pending() == []
        await bot.advance(timedelta(hours=1))
        assert len(discord.requests_to("DELETE", ROLE_PATH)) == 3  # done once, never again
    finally:
        await bot.app.stop()


def cli_forget(config):
    return forget_account(config, f"discord:{AMBASSADOR}")


async def test_the_admins_forget_queues_the_role_and_the_next_start_takes_it_back(config, discord):
    result = cli_forget(config)
    assert result.exit_code == 0, result.output
    assert "1 change(s) still to make on the platforms" in result.output
    store = Store.open(parse_settings(config.read_text(encoding="utf-8"), str(config)).bot.database)
    try:
        [waiting] = revocations.pending(store.db)
        assert store.db.execute("SELECT count(*) FROM ambassadors").fetchone() == (0,)
        assert waiting.member_id == AMBASSADOR and discord.requests_to("DELETE", ROLE_PATH) == []
    finally:
        store.close()
    bot = await start(config, discord)  # no platform ran the forget: the bot's start does the work
    try:
        assert len(discord.requests_to("DELETE", ROLE_PATH)) == 1
        assert discord.member_roles[AMBASSADOR] == set() and bot.pending() == []
    finally:
        await bot.app.stop()


async def test_a_member_who_left_the_server_ends_the_work(config, discord):
    assert cli_forget(config).exit_code == 0
    discord.queue_error("GET", rf"/guilds/{GUILD}/members/{AMBASSADOR}", 404,
                        {"message": "Unknown Member", "code": 10007})
    bot = await start(config, discord)
    try:
        assert bot.pending() == []  # nothing left to take back: not retried for ever
        await bot.advance(timedelta(hours=7))
        assert discord.requests_to("DELETE", ROLE_PATH) == []
    finally:
        await bot.app.stop()


async def test_a_refusal_at_start_waits_its_back_off_and_is_not_lost_across_a_restart(config, discord):
    assert cli_forget(config).exit_code == 0
    discord.queue_error("DELETE", ROLE_PATH, 403, {"message": "Missing Permissions", "code": 50013})
    bot = await start(config, discord)
    try:
        tried = len(discord.requests_to("DELETE", ROLE_PATH))
        assert tried >= 1 and bot.pending()[0].attempts == 1 and discord.member_roles[AMBASSADOR] == {ROLE}
    finally:
        await bot.app.stop()
    bot = await start(config, discord)  # a restart before the back-off is over: the row waits its time…
    try:
        assert len(discord.requests_to("DELETE", ROLE_PATH)) == tried
        await bot.advance(timedelta(minutes=1, seconds=1))  # …then is done
        assert discord.member_roles[AMBASSADOR] == set() and bot.pending() == []
    finally:
        await bot.app.stop()
