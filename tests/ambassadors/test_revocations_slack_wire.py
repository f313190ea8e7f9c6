"""An ambassador's user group taken back durably on Slack, through the real slack-bolt against the local fake: the
admin's `cmbot privacy forget` writes what to take back, the bot's start does it, and a Slack that refuses only
delays it (retried with the same back-off as on Discord, across a restart too). The user group keeps its other
members; a user group that no longer exists ends the work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.platforms.slack import SlackPlatform
from tests.ambassadors.revocation_wire import Running, write_config
from tests.ambassadors.revocation_wire import cli_forget as forget_account
from tests.ambassadors.revocation_wire import start as start_on
from tests.ambassadors.wire import NOW
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, TEAM_ID, SlackFake

GROUP, AMBASSADOR, OTHER, CM = "SAMBASSADORS", "UAMB", "UOTHER", "UCM"
UPDATE = "usergroups.users.update"
TOML = f"""
[bot]
database = "{{db}}"

[[communities]]
id = "acme"
name = "Acme"
locale = "en"

[communities.slack]
space_id = "{TEAM_ID}"
roles = {{{{ cm = ["{CM}"] }}}}

[communities.ambassadors]
slack_usergroup = "{GROUP}"
"""


@pytest.fixture
async def slack():
    server = SlackFake()
    server.add_usergroup(GROUP, [AMBASSADOR, OTHER])
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path, TOML, "acme", ("slack", AMBASSADOR), ("slack", CM))


async def start(config, slack, at=NOW) -> Running:
    def platform(settings, app):
        return SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                             settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                             api_base=slack.api_base)

    return await start_on(config, platform, at)


def cli_forget(config):
    return forget_account(config, f"slack:{AMBASSADOR}")


async def test_the_admins_forget_is_done_at_start_and_keeps_the_groups_other_members(config, slack):
    result = cli_forget(config)
    assert result.exit_code == 0, result.output
    assert "1 change(s) still to make on the platforms" in result.output
    assert slack.calls_to(UPDATE) == []  # no platform ran the forget
    bot = await start(config, slack)
    try:
        assert slack.usergroups[GROUP] == [OTHER] and bot.pending() == []
        await bot.advance(timedelta(hours=1))
        assert len(slack.calls_to(UPDATE)) == 1  # done once, never again
    finally:
        await bot.app.stop()


async def test_a_refusing_slack_is_retried_with_back_off_across_a_restart(config, slack):
    assert cli_forget(config).exit_code == 0
    slack.queue_error(UPDATE, "fatal_error")  # a server-side failure: worth trying again later
    bot = await start(config, slack)
    try:
        [waiting] = bot.pending()
        assert (waiting.platform, waiting.member_id, waiting.role_id, waiting.attempts) == (
            "slack", AMBASSADOR, GROUP, 1)
        assert slack.usergroups[GROUP] == [AMBASSADOR, OTHER]
        slack.queue_error(UPDATE, "fatal_error")
        await bot.advance(timedelta(minutes=1, seconds=1))  # a minute later: tried again, refused again
        assert len(slack.calls_to(UPDATE)) == 2 and bot.pending()[0].attempts == 2
    finally:
        await bot.app.stop()
    restarted_at = NOW + timedelta(minutes=2)
    bot = await start(config, slack, restarted_at)  # a restart within the two minutes' wait: the row waits…
    try:
        assert len(slack.calls_to(UPDATE)) == 2 and len(bot.pending()) == 1
        await bot.advance(timedelta(minutes=1, seconds=5))  # …then is done
        assert slack.usergroups[GROUP] == [OTHER] and bot.pending() == []
        assert len(slack.calls_to(UPDATE)) == 3
    finally:
        await bot.app.stop()


async def test_a_user_group_that_no_longer_exists_ends_the_work(config, slack):
    assert cli_forget(config).exit_code == 0
    del slack.usergroups[GROUP]
    bot = await start(config, slack)
    try:
        assert bot.pending() == []  # nothing left to take back: not retried for ever
        await bot.advance(timedelta(hours=7))
        assert slack.usergroups == {}
    finally:
        await bot.app.stop()
