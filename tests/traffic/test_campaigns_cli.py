"""`cmbot campaigns invite` and `list` through the real CLI, creating the link over REST on the Discord fake."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.discord.conftest import _discord_endpoints_restored  # noqa: F401 (autouse: endpoints put back)
from tests.fakes.discord_invites import FakeDiscordWithInvites

CONFIG = """
[bot]
database = "{db}"
endpoints = {{ discord_api = "{api}" }}

[[communities]]
id = "brand"
name = "Brand"

[communities.discord]
space_id = "100"
channels = {{ welcome = "701" }}
"""


@pytest.fixture
async def fake():
    server = await FakeDiscordWithInvites(guild_ids=("100",)).start()
    server.add_channel("701", "welcome")
    yield server
    await server.stop()


async def _run(args, config, env):
    return await asyncio.to_thread(CliRunner().invoke, cli, ["--config", str(config), *args], env=env)


async def test_invite_creates_one_permanent_link_per_campaign_and_source(fake, tmp_path):
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "cmbot.db", api=fake.api_base))
    env = {"DISCORD_TOKEN": fake.token}
    first = await _run(["campaigns", "invite", "Lancement", "newsletter"], config, env)
    assert first.exit_code == 0, first.output
    [call] = fake.requests_to("POST", r"/channels/701/invites")
    assert (call.json["max_age"], call.json["max_uses"], call.json["unique"]) == (0, 0, True)
    code = next(iter(fake.invites))
    assert f"lancement · newsletter: https://discord.gg/{code}" in first.output
    again = await _run(["campaigns", "invite", "lancement", "newsletter"], config, env)
    assert "(already exists)" in again.output and len(fake.requests_to("POST", r"/channels/701/invites")) == 1
    listed = await _run(["campaigns", "list"], config, env)
    assert f"lancement\tnewsletter\thttps://discord.gg/{code}" in listed.output


async def test_a_refused_token_or_a_bad_name_is_a_clear_error(fake, tmp_path):
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "cmbot.db", api=fake.api_base))
    refused = await _run(["campaigns", "invite", "noel", "bio"], config, {"DISCORD_TOKEN": "wrong"})
    assert refused.exit_code == 3 and "refused the token" in refused.output
    bad = await _run(["campaigns", "invite", "no spaces!", "bio"], config, {"DISCORD_TOKEN": fake.token})
    assert bad.exit_code == 2 and "short names" in bad.output
