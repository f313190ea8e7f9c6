"""One person, ambassador on Discord and Slack (accounts linked with `/privacy link`), in one bot running the real
discord.py and slack-bolt against the local fakes: `/cmbot ambassadors remove=…` typed on Slack takes the Discord
role back as well as the Slack user group, even for an account linked after the appointment; and the member's own
`/privacy forget-me` does the same, and says so in its answer."""

from __future__ import annotations

import re

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from handlers.ambassadors import records
from tests.ambassadors.wire import NOW
from tests.discord.conftest import (
    GUILD,
    _discord_endpoints_restored,  # noqa: F401  (discord.py's endpoints put back)
    make_platform,
)
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, TEAM_ID, SlackFake, command_payload

ROLE, GROUP, BOB_D, BOB_S, CM_D = "555", "SAMB", "61", "UBOB", "63"
TOML = f"""
[[communities]]
id = "acme"
name = "Acme"
locale = "en"
timezone = "Europe/Paris"

[communities.discord]
space_id = "{GUILD}"
roles = {{ cm = ["700"] }}

[communities.slack]
space_id = "{TEAM_ID}"
roles = {{ cm = ["UCM"] }}

[communities.ambassadors]
discord_role = "{ROLE}"
slack_usergroup = "{GROUP}"
"""


@pytest.fixture
async def fakes():
    discord = await FakeDiscord(guild_ids=(GUILD,)).start()
    slack = SlackFake()
    await slack.start()
    slack.add_usergroup(GROUP, ["UOLD", BOB_S])
    yield discord, slack
    await slack.stop()
    await discord.stop()


@pytest.fixture
async def app(fakes, tmp_path):
    discord, slack = fakes
    settings = parse_settings(TOML, "t.toml")
    clock = SimulatedClock(NOW)
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, SteppedWakeups(clock), shipped_features())
    app.attach([make_platform(discord, settings, app.services.commands),
                SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                              settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                              api_base=slack.api_base)])
    await app.start()
    yield app
    await app.stop()


async def slack_command(slack: SlackFake, line: str, user: str, key: str) -> str:
    await slack.send_socket("slash_commands", command_payload(line, user_id=user, response_url=slack.response_url(key)))
    [said] = await slack.wait_for(lambda: [r for r in slack.responses if r["key"] == key])
    return str(said.get("text", said))


async def link_bob(discord: FakeDiscord, slack: SlackFake) -> None:
    """Bob asks for a code on Discord and redeems it on Slack, as the documentation says."""
    asked = discord.command("privacy", BOB_D, options=[{"type": 1, "name": "link", "options": []}])
    await discord.dispatch("INTERACTION_CREATE", asked)
    found: list[str] = []

    def code_given() -> bool:
        for request in discord.requests:
            match = re.search(r"code=([A-Z0-9-]+)", str(request.json or ""))
            if match and request.path.startswith(("/interactions", "/webhooks")):
                found.append(match.group(1))
                return True
        return False

    await until(code_given)
    linked = await slack_command(slack, f"privacy link code={found[0]}", BOB_S, "link")
    assert "Linked" in linked


async def test_removing_on_slack_takes_the_role_back_on_discord_too_even_for_an_account_linked_later(app, fakes):
    discord, slack = fakes
    db = app.services.store.db
    records.appoint(db, "acme", [("discord", BOB_D)], ("discord", CM_D), NOW)  # appointed on Discord alone
    discord.member_roles[BOB_D] = {ROLE}
    await link_bob(discord, slack)  # then his Slack account is linked: he joined the user group by hand

    removed = await slack_command(slack, f"ambassadors remove=<@{BOB_S}>", "UCM", "remove")
    assert "is no longer an ambassador" in removed
    assert "Discord: role taken back." in removed and "Slack: role taken back." in removed
    await discord.wait_for_request("DELETE", rf"/guilds/{GUILD}/members/{BOB_D}/roles/{ROLE}")
    assert discord.member_roles[BOB_D] == set() and slack.usergroups[GROUP] == ["UOLD"]
    assert records.current(db, "acme") == []


async def test_forget_me_takes_the_ambassador_role_back_on_every_platform_and_says_so(app, fakes):
    discord, slack = fakes
    db = app.services.store.db
    await link_bob(discord, slack)
    records.appoint(db, "acme", [("discord", BOB_D), ("slack", BOB_S)], ("discord", CM_D), NOW)
    discord.member_roles[BOB_D] = {ROLE}

    asked = await slack_command(slack, "privacy forget-me", BOB_S, "ask")
    assert "your ambassador role (2)" in asked
    assert slack.calls_to("usergroups.users.update") == [] and discord.member_roles[BOB_D] == {ROLE}  # asking only

    done = await slack_command(slack, "privacy forget-me confirm=yes", BOB_S, "done")
    assert "You are no longer an ambassador of the community" in done
    assert "Discord: role taken back." in done and "Slack: role taken back." in done
    await discord.wait_for_request("DELETE", rf"/guilds/{GUILD}/members/{BOB_D}/roles/{ROLE}")
    assert discord.member_roles[BOB_D] == set() and slack.usergroups[GROUP] == ["UOLD"]
    assert db.execute("SELECT count(*) FROM ambassadors").fetchone() == (0,)  # and the record is erased


async def test_forget_me_of_a_member_who_is_no_ambassador_touches_no_role(app, fakes):
    discord, slack = fakes
    done = await slack_command(slack, "privacy forget-me confirm=yes", "UANN", "done")
    assert "Done, erased" in done and "ambassador" not in done
    assert slack.calls_to("usergroups.users.list") == []
    assert not discord.requests_to("DELETE", r"/guilds/.*/roles/.*")
